package dev.llmresilience.test;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ExtensionContext.Namespace;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstantiationAwareExtension;
import reactor.test.scheduler.VirtualTimeScheduler;

/**
 * Runs each test on Reactor's virtual time: installs a fresh {@link VirtualTimeScheduler}
 * before each test, so that every Reactor scheduler and
 * {@code Schedulers.parallel().now()} follow it, and resets Reactor's schedulers after
 * each test, also when the test fails.
 * <p>
 * Register it with {@code @ExtendWith(VirtualTime.class)}. A test that moves the time
 * takes the scheduler as a {@code VirtualTimeScheduler} parameter of its constructor, of
 * a {@code @BeforeEach} method or of the test method; all of them get the same scheduler
 * for the same test. A constructor parameter installs virtual time before the field
 * initializers run, which suits tests whose fields read Reactor's clock; otherwise
 * virtual time is on before the first {@code @BeforeEach} method of the class. Tests of a
 * class with {@code @TestInstance(PER_CLASS)} take the scheduler in their methods, never
 * in the constructor, since one instance serves many tests.
 * <p>
 * Virtual time is global to the JVM, so tests using it must not run in parallel with
 * others. {@code StepVerifier.withVirtualTime} installs and resets a scheduler of its own
 * and is not meant to be mixed with this extension in one test.
 */
public final class VirtualTime
		implements BeforeEachCallback, AfterEachCallback, ParameterResolver, TestInstantiationAwareExtension {

	private static final Namespace NAMESPACE = Namespace.create(VirtualTime.class);

	@Override
	public ExtensionContextScope getTestInstantiationExtensionContextScope(ExtensionContext rootContext) {
		// a constructor parameter then gets the scheduler of the test the instance is
		// created for
		return ExtensionContextScope.TEST_METHOD;
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		scheduler(context);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		context.getStore(NAMESPACE).remove(VirtualTimeScheduler.class);
		VirtualTimeScheduler.reset();
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == VirtualTimeScheduler.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		if (extensionContext.getTestMethod().isEmpty()) {
			throw new ParameterResolutionException("VirtualTime installs a scheduler for each test: take it in a "
					+ "@BeforeEach or test method, or in the constructor of a test class with the default "
					+ "per-method lifecycle, not in " + parameterContext.getDeclaringExecutable());
		}
		return scheduler(extensionContext);
	}

	private static VirtualTimeScheduler scheduler(ExtensionContext context) {
		return context.getStore(NAMESPACE)
			.getOrComputeIfAbsent(VirtualTimeScheduler.class, (key) -> install(), VirtualTimeScheduler.class);
	}

	private static VirtualTimeScheduler install() {
		// set rather than getOrSet: a scheduler some other test left behind is replaced,
		// not reused
		return VirtualTimeScheduler.set(VirtualTimeScheduler.create());
	}

}
