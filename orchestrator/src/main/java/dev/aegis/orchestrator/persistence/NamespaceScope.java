package dev.aegis.orchestrator.persistence;

import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import org.jdbi.v3.core.statement.SqlStatement;

/**
 * The namespaces a list may show: every namespace, or a set (a principal's). A list query applies
 * it in SQL, before its {@code LIMIT}: filtering the rows after the limit would give a principal of
 * a quiet namespace an empty page while its rows sit behind other namespaces' newer ones.
 */
public final class NamespaceScope {

  /** Every namespace, and rows of no namespace. */
  public static final NamespaceScope ALL = new NamespaceScope(null);

  private static final String BINDING = "scopeNamespaces";

  private final List<String> names;

  private NamespaceScope(List<String> names) {
    this.names = names;
  }

  /** Only {@code namespaces} (none: nothing); rows of no namespace are outside it. */
  public static NamespaceScope only(Collection<String> namespaces) {
    return new NamespaceScope(List.copyOf(new TreeSet<>(namespaces)));
  }

  public boolean isAll() {
    return names == null;
  }

  /** An SQL condition that holds for rows whose {@code column} is in scope. */
  public String condition(String column) {
    if (names == null) {
      return "true";
    }
    return names.isEmpty() ? "false" : column + " IN (<" + BINDING + ">)";
  }

  /** Binds what {@link #condition} refers to; returns {@code statement}. */
  public <S extends SqlStatement<S>> S bind(S statement) {
    return names == null || names.isEmpty() ? statement : statement.bindList(BINDING, names);
  }

  @Override
  public String toString() {
    return names == null ? "every namespace" : "namespaces " + names;
  }
}
