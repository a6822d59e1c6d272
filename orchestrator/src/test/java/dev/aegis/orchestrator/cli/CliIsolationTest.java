package dev.aegis.orchestrator.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The CLI is a client of the REST API and nothing more: it starts without Spring and knows the
 * server only through its JSON, so a change inside the orchestrator cannot break it silently (the
 * component test against the real server catches changes of the JSON itself).
 */
@AnalyzeClasses(packages = "dev.aegis.orchestrator.cli", importOptions = ImportOption.DoNotIncludeTests.class)
class CliIsolationTest {

  @ArchTest
  static final ArchRule cliDependsOnlyOnTheJdkJacksonAndPicocli =
      classes().that().resideInAPackage("dev.aegis.orchestrator.cli..")
          .should().onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "com.fasterxml.jackson..", "picocli..", "dev.aegis.orchestrator.cli..")
          .because("`aegis.jar cli` must start fast, without Spring, and speak to the server only over HTTP");
}
