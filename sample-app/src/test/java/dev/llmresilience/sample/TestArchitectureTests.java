package dev.llmresilience.sample;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import dev.llmresilience.test.ReactiveTestRules;

/**
 * The rules for this module's tests: no test waits for a publisher without a timeout.
 */
@AnalyzeClasses(locations = ReactiveTestRules.ModuleTestClasses.class,
		importOptions = ImportOption.OnlyIncludeTests.class)
final class TestArchitectureTests {

	@ArchTest
	static final ArchRule stepVerifierWaitsAreBounded = ReactiveTestRules.STEP_VERIFIER_WAITS_ARE_BOUNDED;

	private TestArchitectureTests() {
	}

}
