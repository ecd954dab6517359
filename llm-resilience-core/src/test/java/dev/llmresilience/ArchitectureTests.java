package dev.llmresilience;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The rules of the core's layout: packages depend on each other one way only, and nothing
 * in the core needs Spring Boot.
 */
@AnalyzeClasses(packages = "dev.llmresilience", importOptions = ImportOption.DoNotIncludeTests.class)
final class ArchitectureTests {

	@ArchTest
	static final ArchRule packagesAreFreeOfCycles = slices().matching("(**)").should().beFreeOfCycles();

	@ArchTest
	static final ArchRule coreDoesNotDependOnSpringBoot = noClasses().should()
		.dependOnClassesThat()
		.resideInAPackage("org.springframework.boot..")
		.because("the core must run without Spring Boot; its wiring belongs in llm-resilience-autoconfigure");

	private ArchitectureTests() {
	}

}
