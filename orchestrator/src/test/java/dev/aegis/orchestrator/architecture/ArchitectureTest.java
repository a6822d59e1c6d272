package dev.aegis.orchestrator.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The lines the build holds so the core stays pure and the state machine library stays replaceable. */
@AnalyzeClasses(packages = "dev.aegis", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

  @ArchTest
  static final ArchRule lifecycleCoreIsPure =
      classes().that().resideInAPackage("dev.aegis.orchestrator.lifecycle..")
          .should().onlyDependOnClassesThat()
          .resideInAnyPackage("java..", "dev.aegis.events..", "dev.aegis.orchestrator.lifecycle..")
          .because("the lifecycle core is state + input -> decision, with no I/O and no framework");

  @ArchTest
  static final ArchRule springStatemachineStaysInOnePackage =
      noClasses().that().resideOutsideOfPackage("dev.aegis.orchestrator.statemachine..")
          .should().dependOnClassesThat().resideInAPackage("org.springframework.statemachine..")
          .because("Spring Statemachine is kept behind one small package so it can be replaced");
}
