package dev.llmresilience.autoconfigure;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/**
 * The rules of the Spring Boot module's layout: the auto-configurations use the actuator
 * pieces, never the other way round, and the actuator pieces read the core only through
 * its public API.
 */
@AnalyzeClasses(packages = { "dev.llmresilience.autoconfigure", "dev.llmresilience.actuate" },
		importOptions = ImportOption.DoNotIncludeTests.class)
final class ArchitectureTests {

	@ArchTest
	static final ArchRule packagesAreFreeOfCycles = slices().matching("dev.llmresilience.(**)")
		.should()
		.beFreeOfCycles();

	@ArchTest
	static final ArchRule actuatorPiecesDoNotDependOnTheAutoConfiguration = noClasses().that()
		.resideInAPackage("dev.llmresilience.actuate..")
		.should()
		.dependOnClassesThat()
		.resideInAPackage("dev.llmresilience.autoconfigure..");

	private ArchitectureTests() {
	}

}
