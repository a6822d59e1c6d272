package dev.aegis.operators.resource;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Singular;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The {@code Experiment} custom resource ({@code experiments.aegis.dev/v1alpha1}): lets GitOps
 * users put a candidate under canary analysis with {@code kubectl apply} instead of the REST API.
 * The spec is the REST submission body; the status is written only by {@link ExperimentReconciler}.
 * The CRD lives in {@code kubernetes/crd/experiments.aegis.dev.yaml}, kept in step with these
 * classes by a test.
 */
@Group(ExperimentResource.GROUP)
@Version(ExperimentResource.VERSION)
@Kind("Experiment")
@Plural("experiments")
@Singular("experiment")
@ShortNames("aexp")
public class ExperimentResource extends CustomResource<ExperimentSpec, ExperimentStatus>
    implements Namespaced {

  public static final String GROUP = "aegis.dev";
  public static final String VERSION = "v1alpha1";
}
