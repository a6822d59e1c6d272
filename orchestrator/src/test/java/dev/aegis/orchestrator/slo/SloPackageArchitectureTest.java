package dev.aegis.orchestrator.slo;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.belongToAnyOf;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.aegis.orchestrator.lifecycle.HealthWindow;

/** The burn-rate computation stays pure: plain Java plus the core's health window, nothing else. */
@AnalyzeClasses(packages = "dev.aegis.orchestrator.slo", importOptions = ImportOption.DoNotIncludeTests.class)
class SloPackageArchitectureTest {

  @ArchTest
  static final ArchRule sloIsPure =
      classes().that().resideInAPackage("dev.aegis.orchestrator.slo..")
          .should().onlyDependOnClassesThat(
              resideInAnyPackage("java..", "dev.aegis.orchestrator.slo..")
                  .or(belongToAnyOf(HealthWindow.class)))
          .because("burn rates run on the hot path and in backtests: no I/O, no framework");
}
