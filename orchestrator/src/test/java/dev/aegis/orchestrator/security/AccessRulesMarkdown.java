package dev.aegis.orchestrator.security;

/** The role matrix of {@link AccessRules} as the Markdown table docs/security.md carries. */
final class AccessRulesMarkdown {
  private AccessRulesMarkdown() {}

  static String render() {
    StringBuilder out = new StringBuilder("| endpoint |");
    for (Role role : Role.values()) {
      out.append(' ').append(role.external()).append(" |");
    }
    out.append(" note |\n|---|");
    out.append(":-:|".repeat(Role.values().length)).append("---|\n");
    for (AccessRules.Rule rule : AccessRules.RULES) {
      out.append("| `").append(rule.method()).append(' ').append(rule.path()).append("` |");
      for (Role role : Role.values()) {
        out.append(rule.open() ? " open |" : RoleMatrixIT.allows(rule, role) ? " ✓ |" : " · |");
      }
      out.append(' ').append(rule.note()).append(" |\n");
    }
    return out.toString();
  }

  public static void main(String[] args) {
    System.out.print(render());
  }
}
