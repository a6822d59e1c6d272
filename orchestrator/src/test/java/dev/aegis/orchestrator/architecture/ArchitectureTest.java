package dev.aegis.orchestrator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The lines the build holds: pure cores, no package cycles, and each outside system (Kubernetes,
 * the database, the state machine library) reached from one place only. docs/architecture.md draws
 * the same map.
 */
@AnalyzeClasses(packages = "dev.aegis", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule noPackageCycles =
      slices()
          .matching("dev.aegis.orchestrator.(**)")
          .should()
          .beFreeOfCycles()
          .because("each package can then be read, tested and replaced from the bottom up");

  @ArchTest
  static final ArchRule noModuleCycles =
      slices().matching("dev.aegis.(*)..").should().beFreeOfCycles();

  @ArchTest
  static final ArchRule judgmentIsPure =
      classes()
          .that()
          .resideInAPackage("dev.aegis.orchestrator.judgment..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "dev.aegis.orchestrator.judgment..")
          .because("judging windows is arithmetic on evidence: no I/O, no framework, no lifecycle");

  @ArchTest
  static final ArchRule judgmentDoesNotSeeTheLifecycle =
      noClasses()
          .that()
          .resideInAPackage("dev.aegis.orchestrator.judgment..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.aegis.orchestrator.lifecycle..")
          .because("the lifecycle sits on top of judgment, never the other way round");

  @ArchTest
  static final ArchRule lifecycleCoreIsPure =
      classes()
          .that()
          .resideInAPackage("dev.aegis.orchestrator.lifecycle..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..",
              "dev.aegis.events..",
              "dev.aegis.orchestrator.judgment..",
              "dev.aegis.orchestrator.lifecycle..")
          .because("the lifecycle core is state + input -> decision, with no I/O and no framework");

  @ArchTest
  static final ArchRule productionGuardIsPure =
      classes()
          .that()
          .resideInAPackage("dev.aegis.orchestrator.production.guard..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..",
              "dev.aegis.orchestrator.judgment..",
              "dev.aegis.orchestrator.production.guard..")
          .because("the guard decides from windows and counts; the watch around it does the I/O");

  @ArchTest
  static final ArchRule burnRatesArePure =
      classes()
          .that()
          .resideInAPackage("dev.aegis.orchestrator.production.slo..")
          .should()
          .onlyDependOnClassesThat()
          .resideInAnyPackage(
              "java..",
              "dev.aegis.orchestrator.judgment..",
              "dev.aegis.orchestrator.production.slo..")
          .because("burn rates run on the hot path and in backtests: no I/O, no framework");

  @ArchTest
  static final ArchRule kubernetesClientOnlyInAdapters =
      noClasses()
          .that()
          .resideOutsideOfPackages(
              "dev.aegis.operators..",
              "dev.aegis.orchestrator.kubernetes..",
              "dev.aegis.orchestrator.standalone..",
              "dev.aegis.chaos..")
          .or()
          .resideInAPackage("dev.aegis.chaos.gameday..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("io.fabric8..")
          .because("the Kubernetes API is reached through the operators and chaos adapters only");

  @ArchTest
  static final ArchRule databaseOnlyInPersistence =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.aegis.orchestrator.persistence..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.jdbi..")
          .because(
              "SQL and transactions live in persistence; everything else calls its repositories");

  @ArchTest
  static final ArchRule onlyTheMainClassStartsTheCli =
      noClasses()
          .that()
          .resideInAPackage("dev.aegis.orchestrator..")
          .and()
          .doNotHaveFullyQualifiedName("dev.aegis.orchestrator.AegisApplication")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("dev.aegis.cli..")
          .because(
              "the CLI is a separate program shipped in the same jar; the server never calls it");

  @ArchTest
  static final ArchRule springStatemachineStaysInOnePackage =
      noClasses()
          .that()
          .resideOutsideOfPackage("dev.aegis.orchestrator.statemachine..")
          .should()
          .dependOnClassesThat()
          .resideInAPackage("org.springframework.statemachine..")
          .because("Spring Statemachine is kept behind one small package so it can be replaced");
}
