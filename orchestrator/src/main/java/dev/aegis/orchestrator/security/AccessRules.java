package dev.aegis.orchestrator.security;

import static dev.aegis.orchestrator.security.Role.ADMIN;
import static dev.aegis.orchestrator.security.Role.CHAOS_ENGINEER;
import static dev.aegis.orchestrator.security.Role.PLATFORM_ENGINEER;
import static dev.aegis.orchestrator.security.Role.SRE;
import static dev.aegis.orchestrator.security.Role.VIEWER;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpMethod;

/**
 * Who may call what: the one table the filter chain is built from, the role-matrix test walks, and
 * docs/security.md shows. Paths are matched after the firewall has refused every encoded or
 * parameterised spelling; anything not listed is denied. Namespace scoping is checked on top, by
 * {@link Access}.
 */
public final class AccessRules {

  /**
   * Who may call one endpoint. {@code roles} empty and {@code open} false = any authenticated
   * principal.
   */
  public record Rule(HttpMethod method, String path, Set<Role> roles, boolean open, String note) {
    static Rule open(HttpMethod method, String path, String note) {
      return new Rule(method, path, Set.of(), true, note);
    }

    static Rule authenticated(HttpMethod method, String path, String note) {
      return new Rule(method, path, Set.of(), false, note);
    }

    static Rule roles(HttpMethod method, String path, Set<Role> roles, String note) {
      return new Rule(method, path, roles, false, note);
    }

    public String[] authorities() {
      return roles.stream().map(Role::name).toArray(String[]::new);
    }
  }

  private static final Set<Role> READ = EnumSet.of(VIEWER);
  private static final Set<Role> SUBMIT = EnumSet.of(PLATFORM_ENGINEER, SRE);

  public static final List<Rule> RULES =
      List.of(
          Rule.open(HttpMethod.GET, "/actuator/health/liveness", "liveness probe"),
          Rule.open(HttpMethod.GET, "/actuator/health/readiness", "readiness probe"),
          Rule.open(
              HttpMethod.POST,
              "/api/v1/session",
              "dashboard login with a token or a JWT (rate-limited per address)"),
          Rule.open(
              HttpMethod.GET,
              "/api/v1/session/options",
              "how the dashboard may log in (token; single sign-on providers)"),
          Rule.open(
              HttpMethod.GET,
              "/oauth2/authorization/{registration}",
              "single sign-on: off to the identity provider"),
          Rule.open(
              HttpMethod.GET,
              "/login/oauth2/code/{registration}",
              "single sign-on: back from the identity provider"),
          Rule.authenticated(
              HttpMethod.GET, "/api/v1/session", "who am I, and the session's CSRF token"),
          Rule.authenticated(HttpMethod.DELETE, "/api/v1/session", "log out"),
          Rule.roles(HttpMethod.GET, "/api/v1/experiments", READ, "in the principal's namespaces"),
          Rule.roles(
              HttpMethod.GET, "/api/v1/experiments/{id}", READ, "in the principal's namespaces"),
          Rule.roles(
              HttpMethod.GET,
              "/api/v1/experiments/{id}/windows",
              READ,
              "in the principal's namespaces"),
          Rule.roles(
              HttpMethod.POST, "/api/v1/experiments", SUBMIT, "into the principal's namespaces"),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/experiments/{id}/pause",
              SUBMIT,
              "platform-engineer: own experiments only"),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/experiments/{id}/resume",
              SUBMIT,
              "platform-engineer: own experiments only"),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/experiments/{id}/abort",
              SUBMIT,
              "platform-engineer: own experiments only"),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/experiments/{id}/promote",
              EnumSet.of(SRE),
              "manual promotion"),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/experiments/{id}/{action}",
              SUBMIT,
              "any other action: 404 problem"),
          Rule.roles(HttpMethod.GET, "/api/v1/quarantine", READ, "in the principal's namespaces"),
          Rule.roles(
              HttpMethod.GET, "/api/v1/quarantine/{id}/rca", READ, "in the principal's namespaces"),
          Rule.roles(
              HttpMethod.POST, "/api/v1/quarantine/{id}/release", EnumSet.of(SRE), "with a reason"),
          Rule.roles(
              HttpMethod.GET, "/api/v1/dead-letters", READ, "principals of every namespace only"),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/dead-letters/{id}/replay",
              EnumSet.of(SRE),
              "to the original, allowed topic"),
          Rule.roles(HttpMethod.POST, "/api/v1/dead-letters/replay", EnumSet.of(SRE), "by filter"),
          Rule.roles(HttpMethod.GET, "/api/v1/audit", READ, "principals of every namespace only"),
          Rule.roles(HttpMethod.GET, "/api/v1/services", READ, "in the principal's namespaces"),
          Rule.roles(
              HttpMethod.GET,
              "/api/v1/services/{name}",
              READ,
              "in the principal's namespaces; 409 ambiguous-service when several have the name"),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/services/{name}/rollback",
              EnumSet.of(SRE),
              "production override"),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/services/{name}/scale",
              EnumSet.of(SRE),
              "production override"),
          Rule.roles(
              HttpMethod.GET,
              "/api/v1/services/{namespace}/{name}",
              READ,
              "in the principal's namespaces"),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/services/{namespace}/{name}/rollback",
              EnumSet.of(SRE),
              "production override"),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/services/{namespace}/{name}/scale",
              EnumSet.of(SRE),
              "production override"),
          Rule.roles(
              HttpMethod.GET, "/api/v1/suggestions", READ, "principals of every namespace only"),
          Rule.roles(
              HttpMethod.POST, "/api/v1/backtests", SUBMIT, "a read-only replay, but CPU-bound"),
          Rule.roles(
              HttpMethod.GET,
              "/api/v1/stream",
              READ,
              "principals of every namespace only; per-principal limit"),
          Rule.roles(HttpMethod.GET, "/api/v1/chaos/faults", READ, "in the principal's namespaces"),
          Rule.roles(
              HttpMethod.GET, "/api/v1/chaos/faults/{id}", READ, "in the principal's namespaces"),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/chaos/faults",
              EnumSet.of(CHAOS_ENGINEER, ADMIN),
              "V1 canaries only; production also needs \"production\": true and admin, or chaos-engineer with sre"),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/chaos/faults/{id}/revert",
              EnumSet.of(CHAOS_ENGINEER, SRE, ADMIN),
              "in the principal's namespaces"),
          Rule.roles(HttpMethod.GET, "/api/v1/chaos/kill-switch", READ, ""),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/chaos/kill-switch",
              EnumSet.of(CHAOS_ENGINEER, SRE, ADMIN),
              "reverts every live fault and halts injection; principals of every namespace only"),
          Rule.roles(
              HttpMethod.DELETE,
              "/api/v1/chaos/kill-switch",
              EnumSet.of(CHAOS_ENGINEER, ADMIN),
              "re-arms injection; principals of every namespace only"),
          // Notifications (issue 16, docs/notifications.md).
          Rule.roles(
              HttpMethod.GET,
              "/api/v1/notifications",
              READ,
              "in the principal's namespaces; never shows a channel's URL or key"),
          Rule.roles(
              HttpMethod.GET,
              "/api/v1/notifications/routes",
              READ,
              "the routing rules and the channels (names, types, circuit state only)"),
          Rule.roles(
              HttpMethod.PUT,
              "/api/v1/notifications/routes",
              EnumSet.of(SRE),
              "replaces every rule; principals of every namespace only"),
          Rule.roles(
              HttpMethod.POST,
              "/api/v1/notifications/channels/{name}/test",
              EnumSet.of(SRE),
              "one test per channel per 10 s; principals of every namespace only"),
          Rule.roles(HttpMethod.GET, "/api/v1/tokens", EnumSet.of(ADMIN), "never shows a secret"),
          Rule.roles(
              HttpMethod.POST, "/api/v1/tokens", EnumSet.of(ADMIN), "the token is shown once"),
          Rule.roles(HttpMethod.GET, "/api/v1/tokens/{id}", EnumSet.of(ADMIN), ""),
          Rule.roles(HttpMethod.DELETE, "/api/v1/tokens/{id}", EnumSet.of(ADMIN), "revoke"),
          Rule.roles(HttpMethod.GET, "/actuator/health", READ, "details of every component"),
          Rule.roles(
              HttpMethod.GET,
              "/actuator/health/{name}",
              READ,
              "one component, e.g. deadLetters (PARKED while"
                  + " dead letters wait for the database)"),
          Rule.roles(HttpMethod.GET, "/actuator/info", READ, ""),
          Rule.roles(HttpMethod.GET, "/actuator/prometheus", READ, "scrape with a viewer token"),
          Rule.roles(HttpMethod.GET, "/actuator/metrics", READ, ""),
          Rule.roles(HttpMethod.GET, "/actuator/metrics/{name}", READ, ""));

  /** The dashboard's static files: no data, only the page that asks for a token. */
  public static final List<String> STATIC =
      List.of(
          "/",
          "/index.html",
          "/dashboard.js",
          "/dashboard.css",
          "/webjars/chart.js/dist/chart.umd.js",
          "/favicon.ico");

  private AccessRules() {}
}
