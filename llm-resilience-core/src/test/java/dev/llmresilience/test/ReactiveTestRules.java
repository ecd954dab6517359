package dev.llmresilience.test;

import java.time.Duration;
import java.util.Set;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.AccessTarget.MethodCallTarget;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.junit.LocationProvider;
import com.tngtech.archunit.lang.ArchRule;
import reactor.test.StepVerifier;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/**
 * ArchUnit rules for the tests of every module. Use them from a test class annotated
 * {@code @AnalyzeClasses(locations = ReactiveTestRules.ModuleTestClasses.class)}, so that
 * each module checks its own tests.
 */
public final class ReactiveTestRules {

	/**
	 * No test waits for a publisher without a bound: {@code StepVerifier.verify()},
	 * {@code verifyComplete()}, {@code verifyError(...)} and the other verifications
	 * without a {@link Duration} wait forever for a publisher that hangs. Tests use
	 * {@code verify(Duration)}, for example with {@link ReactiveTestTimeout#TIMEOUT}.
	 */
	public static final ArchRule STEP_VERIFIER_WAITS_ARE_BOUNDED = noClasses().should()
		.callMethodWhere(stepVerifierWaitWithoutTimeout())
		.because("a publisher that hangs must fail its test, not hang the build; "
				+ "use expectComplete().verify(TIMEOUT) or another verify(Duration)");

	private ReactiveTestRules() {
	}

	private static DescribedPredicate<JavaMethodCall> stepVerifierWaitWithoutTimeout() {
		return DescribedPredicate.describe("target is a StepVerifier verify method without a Duration parameter",
				ReactiveTestRules::isStepVerifierWaitWithoutTimeout);
	}

	private static boolean isStepVerifierWaitWithoutTimeout(JavaMethodCall call) {
		MethodCallTarget target = call.getTarget();
		boolean stepVerifier = target.getOwner().isAssignableTo(StepVerifier.class)
				|| target.getOwner().isAssignableTo(StepVerifier.LastStep.class);
		// verifyLater() only subscribes, and the verify() that follows it is checked on
		// its own
		return stepVerifier && target.getName().startsWith("verify") && !target.getName().equals("verifyLater")
				&& target.getRawParameterTypes().stream().noneMatch((type) -> type.isEquivalentTo(Duration.class));
	}

	/**
	 * The classes of the module whose test uses it: those in the directory or jar that
	 * the test class was loaded from, without the shared test classes of other modules
	 * that are on the same class path.
	 */
	public static final class ModuleTestClasses implements LocationProvider {

		@Override
		public Set<Location> get(Class<?> testClass) {
			return Set.of(Location.of(testClass.getProtectionDomain().getCodeSource().getLocation()));
		}

	}

}
