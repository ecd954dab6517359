package dev.llmresilience.test;

import java.util.List;
import java.util.stream.Collectors;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.LoggerFactory;

/**
 * Records what every logger writes during a test, for tests that check what the library
 * logs, or that a secret never reaches a log. Use it with
 * {@code @ExtendWith(LogRecorder.class)} and a {@code LogRecorder} parameter of the test
 * method.
 */
public final class LogRecorder implements BeforeEachCallback, AfterEachCallback, ParameterResolver {

	private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

	@Override
	public void beforeEach(ExtensionContext context) {
		this.appender.list.clear();
		this.appender.start();
		root().addAppender(this.appender);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		root().detachAppender(this.appender);
		this.appender.stop();
	}

	private static Logger root() {
		return (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
	}

	@Override
	public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return parameterContext.getParameter().getType() == LogRecorder.class;
	}

	@Override
	public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
		return this;
	}

	/**
	 * Return everything logged so far: each event's message, followed by the class and
	 * message of every throwable in its cause chain.
	 * @return the text, one event a line
	 */
	public String text() {
		List<ILoggingEvent> events = List.copyOf(this.appender.list);
		return events.stream().map(LogRecorder::describe).collect(Collectors.joining("\n"));
	}

	private static String describe(ILoggingEvent event) {
		StringBuilder text = new StringBuilder(event.getFormattedMessage());
		for (IThrowableProxy cause = event.getThrowableProxy(); cause != null; cause = cause.getCause()) {
			text.append(" | ").append(cause.getClassName()).append(": ").append(cause.getMessage());
		}
		return text.toString();
	}

}
