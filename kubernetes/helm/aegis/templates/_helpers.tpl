{{/* Names and labels. */}}
{{- define "aegis.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "aegis.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "aegis.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "aegis.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aegis.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "aegis.labels" -}}
helm.sh/chart: {{ include "aegis.chart" . }}
{{ include "aegis.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: aegis
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "aegis.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "aegis.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The Jib image (orchestrator/pom.xml): repository, then the digest or the tag (default: appVersion). */}}
{{- define "aegis.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* Namespaced mode: the namespaces, checked. */}}
{{- define "aegis.watchedNamespaces" -}}
{{- if not .Values.rbac.namespaces }}
{{- fail "rbac.namespaced=true needs rbac.namespaces: the namespaces Aegis manages" }}
{{- end }}
{{- toJson .Values.rbac.namespaces }}
{{- end }}

{{/* The namespace the Experiment reconciler watches; empty: all (cluster mode only). */}}
{{- define "aegis.experimentNamespace" -}}
{{- $ns := .Values.kubernetes.experimentResources.namespace }}
{{- if .Values.rbac.namespaced }}
{{- $watched := include "aegis.watchedNamespaces" . | fromJsonArray }}
{{- if not $ns }}{{ $ns = first $watched }}{{ end }}
{{- if not (has $ns $watched) }}
{{- fail (printf "kubernetes.experimentResources.namespace %q is not one of rbac.namespaces: Aegis could not watch it" $ns) }}
{{- end }}
{{- end }}
{{- $ns }}
{{- end }}

{{/* Chaos Mesh mode: a namespaced role cannot read the cluster-scoped CRDs that detection reads. */}}
{{- define "aegis.chaosMesh" -}}
{{- $mode := lower .Values.chaos.chaosMesh }}
{{- if not (has $mode (list "auto" "never" "always")) }}
{{- fail (printf "chaos.chaosMesh must be auto, never or always, not %q" .Values.chaos.chaosMesh) }}
{{- end }}
{{- if .Values.rbac.namespaced }}
{{- if eq $mode "always" }}
{{- fail "chaos.chaosMesh=always needs a cluster-scoped read of CustomResourceDefinitions, which rbac.namespaced=true does not grant" }}
{{- end }}
{{- $mode = "never" }}
{{- end }}
{{- $mode }}
{{- end }}

{{/*
The permissions Aegis uses: those of kubernetes/rbac.yaml, which the operators' tests check every API request
against (dev.aegis.operators.testing.RbacPolicy); HelmChartIT checks that the chart grants the same.
"cluster" adds the cluster-scoped CRD read (Chaos Mesh detection); a Role leaves it out.
*/}}
{{- define "aegis.rules" -}}
{{- $root := index . 0 }}
{{- $cluster := index . 1 -}}
# Canary workload, stable Deployment (promotion, rollback, scaling, replica ratio); PUTs guarded by resourceVersion.
- apiGroups: ["apps"]
  resources: ["deployments"]
  verbs: ["get", "create", "update"]
# Canary Service for mesh routers; the stable Service is read for its ports and selector.
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "create", "update"]
# NetworkPolicy isolating a quarantined canary kept for forensics.
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["get", "create", "update"]
# Traffic routers: weights of existing routing objects (never created), and AUTO detection.
- apiGroups: ["networking.istio.io"]
  resources: ["virtualservices"]
  verbs: ["get", "update"]
- apiGroups: ["gateway.networking.k8s.io"]
  resources: ["httproutes"]
  verbs: ["get", "update"]
- apiGroups: ["split.smi-spec.io"]
  resources: ["trafficsplits"]
  verbs: ["get", "update"]
{{- if $root.Values.chaos.enabled }}
# Chaos faults (docs/chaos.md), each reverted by deleting what it created.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["list", "delete"]
- apiGroups: ["batch"]
  resources: ["jobs"]
  verbs: ["create", "delete"]
- apiGroups: ["networking.k8s.io"]
  resources: ["networkpolicies"]
  verbs: ["delete"]
{{- if $cluster }}
- apiGroups: ["apiextensions.k8s.io"]
  resources: ["customresourcedefinitions"]
  verbs: ["get"]
{{- end }}
- apiGroups: ["chaos-mesh.org"]
  resources: ["podchaos", "httpchaos", "stresschaos", "networkchaos"]
  verbs: ["create", "delete"]
{{- end }}
{{- if $root.Values.kubernetes.experimentResources.enabled }}
# Experiment custom resources (reconciler): informer, finalizer, status.
- apiGroups: ["aegis.dev"]
  resources: ["experiments"]
  verbs: ["list", "watch", "patch"]
- apiGroups: ["aegis.dev"]
  resources: ["experiments/status"]
  verbs: ["update"]
{{- end }}
{{- end }}

{{/*
PromQL matchers for this release's series (prometheusRule.selector overrides): the target labels the ServiceMonitor
gives them. Aegis's own `service` and `namespace` tags (the managed service) then read `exported_service` and
`exported_namespace`, as Prometheus renames a scraped label that collides with a target label.
*/}}
{{- define "aegis.promSelector" -}}
{{- default (printf "namespace=%q,job=%q" .Release.Namespace (include "aegis.fullname" .)) .Values.prometheusRule.selector }}
{{- end }}

{{/* application.yaml: what the chart sets, then .Values.config over it. */}}
{{- define "aegis.applicationConfig" -}}
{{- $kafka := .Values.kafka }}
{{- $springKafka := dict "security" (dict "protocol" $kafka.securityProtocol) "consumer" (dict "group-id" $kafka.consumerGroup) }}
{{- $kafkaProps := dict }}
{{- if $kafka.sasl.mechanism }}
{{- $_ := set $kafkaProps "sasl.mechanism" $kafka.sasl.mechanism }}
{{- $jaas := $kafka.sasl.jaasConfig }}
{{- if not $jaas }}
{{- $module := "" }}
{{- if eq $kafka.sasl.mechanism "PLAIN" }}
{{- $module = "org.apache.kafka.common.security.plain.PlainLoginModule" }}
{{- else if hasPrefix "SCRAM-" $kafka.sasl.mechanism }}
{{- $module = "org.apache.kafka.common.security.scram.ScramLoginModule" }}
{{- else }}
{{- fail (printf "kafka.sasl.mechanism %s needs kafka.sasl.jaasConfig" $kafka.sasl.mechanism) }}
{{- end }}
{{- $jaas = printf "%s required username=%q password=\"${KAFKA_SASL_PASSWORD}\";" $module $kafka.sasl.username }}
{{- end }}
{{- $_ := set $kafkaProps "sasl.jaas.config" $jaas }}
{{- end }}
{{- if $kafkaProps }}
{{- $_ := set $springKafka "properties" $kafkaProps }}
{{- end }}
{{- $ssl := dict }}
{{- with $kafka.tls.truststore }}
{{- if .existingSecret }}
{{- $_ := set $ssl "trust-store-location" (printf "file:/run/secrets/kafka-truststore/%s" .key) }}
{{- $_ := set $ssl "trust-store-type" .type }}
{{- if .passwordKey }}
{{- $_ := set $ssl "trust-store-password" "${KAFKA_TRUSTSTORE_PASSWORD}" }}
{{- end }}
{{- end }}
{{- end }}
{{- with $kafka.tls.keystore }}
{{- if .existingSecret }}
{{- $_ := set $ssl "key-store-location" (printf "file:/run/secrets/kafka-keystore/%s" .key) }}
{{- $_ := set $ssl "key-store-type" .type }}
{{- if .passwordKey }}
{{- $_ := set $ssl "key-store-password" "${KAFKA_KEYSTORE_PASSWORD}" }}
{{- end }}
{{- end }}
{{- end }}
{{- if $ssl }}
{{- $_ := set $springKafka "ssl" $ssl }}
{{- end }}
{{- $principals := dict }}
{{- range $k, $v := $kafka.trust.principals }}
{{- $_ := set $principals (printf "[%s]" (trimPrefix "[" (trimSuffix "]" $k))) $v }}
{{- end }}
{{- $submitters := dict }}
{{- range $k, $v := $kafka.trust.submitters }}
{{- $_ := set $submitters (printf "[%s]" (trimPrefix "[" (trimSuffix "]" $k))) $v }}
{{- end }}
{{- $trust := dict "sources" $kafka.trust.sources }}
{{- if $principals }}{{ $_ := set $trust "principals" $principals }}{{ end }}
{{- if $submitters }}{{ $_ := set $trust "submitters" $submitters }}{{ end }}
{{- $aegisKubernetes := dict "experiment-resources" .Values.kubernetes.experimentResources.enabled "namespace" (include "aegis.experimentNamespace" .) }}
{{- $chaos := dict "enabled" .Values.chaos.enabled "chaos-mesh" (include "aegis.chaosMesh" .) }}
{{- if .Values.chaos.stressImage }}{{ $_ := set $chaos "stress-image" .Values.chaos.stressImage }}{{ end }}
{{- $aegis := dict "kafka" (dict "allow-plaintext" $kafka.allowPlaintext "trust" $trust) "kubernetes" $aegisKubernetes "chaos" $chaos }}
{{- $config := dict "spring" (dict "kafka" $springKafka) "aegis" $aegis }}
{{- toYaml (mustMergeOverwrite $config (deepCopy .Values.config)) }}
{{- end }}

{{/* One NetworkPolicy egress rule from networkPolicy.egress.<name>: cidrs and selectors as peers, TCP ports (and UDP with "udp"). */}}
{{- define "aegis.egressRule" -}}
{{- $to := list }}
{{- range .cidrs }}
{{- $to = append $to (dict "ipBlock" (dict "cidr" .)) }}
{{- end }}
{{- if or .namespaceSelector .podSelector }}
{{- $peer := dict }}
{{- with .namespaceSelector }}{{ $_ := set $peer "namespaceSelector" . }}{{ end }}
{{- with .podSelector }}{{ $_ := set $peer "podSelector" . }}{{ end }}
{{- $to = append $to $peer }}
{{- end }}
{{- $ports := list }}
{{- range .ports }}
{{- $ports = append $ports (dict "protocol" "TCP" "port" (int .)) }}
{{- if $.udp }}
{{- $ports = append $ports (dict "protocol" "UDP" "port" (int .)) }}
{{- end }}
{{- end }}
{{- $rule := dict "ports" $ports }}
{{- if $to }}{{ $_ := set $rule "to" $to }}{{ end }}
{{- toYaml (list $rule) }}
{{- end }}
