package dev.aegis.cli;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The CLI is a client of the REST API and nothing more: it starts without Spring and knows the
 * server only through its JSON, so a change inside the orchestrator cannot break it silently (the
 * component test against the real server catches changes of the JSON itself). {@code aegis gameday}
 * runs the chaos module's game-day runner, itself an HTTP client of the same API: it may use that,
 * and the fault model its scenarios are written in, provided they too stay free of Spring and of
 * the Kubernetes client.
 */
@AnalyzeClasses(
    packages = {"dev.aegis.cli", "dev.aegis.chaos.gameday"},
    importOptions = ImportOption.DoNotIncludeTests.class)
class CliIsolationTest {

  @ArchTest
  static final ArchRule cliDependsOnlyOnTheJdkJacksonAndPicocli =
      classes()
          .that()
          .resideInAPackage("dev.aegis.cli..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..",
              "com.fasterxml.jackson..",
              "picocli..",
              "dev.aegis.cli..",
              "dev.aegis.chaos.gameday..",
              "dev.aegis.chaos")
          .because(
              "`aegis.jar cli` must start fast, without Spring, and speak to the server only over HTTP");

  @ArchTest
  static final ArchRule gameDaysSpeakToAegisOnlyOverHttp =
      classes()
          .that()
          .resideInAPackage("dev.aegis.chaos.gameday..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..",
              "com.fasterxml.jackson..",
              "org.slf4j..",
              "dev.aegis.chaos..",
              "dev.aegis.events.data..")
          .because("a game day drives Aegis through its REST API, like any other client");
}
