package dev.llmresilience.observation;

import java.util.Locale;

import dev.llmresilience.LlmResponse;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * The names and tags of the observations of requests ({@code llm.request}) and model
 * calls ({@code llm.attempt}). Tags are low-cardinality and never carry prompt or answer
 * text; model calls follow the OpenTelemetry GenAI semantic conventions
 * ({@code gen_ai.*}).
 */
public final class LlmObservationConventions {

	/** Name of the observation of a logical request. */
	public static final String REQUEST = "llm.request";

	/** Name of the observation of one model call. */
	public static final String ATTEMPT = "llm.attempt";

	private static final String NONE = "none";

	private LlmObservationConventions() {
	}

	/**
	 * Return the default convention of request observations.
	 * @return the convention
	 */
	public static ObservationConvention<LlmRequestContext> request() {
		return new RequestConvention();
	}

	/**
	 * Return the default convention of model-call observations.
	 * @return the convention
	 */
	public static ObservationConvention<LlmAttemptContext> attempt() {
		return new AttemptConvention();
	}

	static String errorType(Observation.Context context) {
		return (context.getError() != null) ? context.getError().getClass().getSimpleName() : NONE;
	}

	private static final class RequestConvention implements ObservationConvention<LlmRequestContext> {

		@Override
		public String getName() {
			return REQUEST;
		}

		@Override
		public String getContextualName(LlmRequestContext context) {
			return "llm " + context.getTarget();
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(LlmRequestContext context) {
			LlmResponse response = context.getResponse();
			String outcome;
			if (context.getError() != null) {
				outcome = "error";
			}
			else if (response == null) {
				outcome = "cancelled";
			}
			else {
				outcome = response.fallback() ? "fallback" : "success";
			}
			return KeyValues.of(KeyValue.of("llm.target", context.getTarget()),
					KeyValue.of("llm.priority", context.getRequest().priority().name().toLowerCase(Locale.ROOT)),
					KeyValue.of("llm.streaming", String.valueOf(context.isStreaming())),
					KeyValue.of("llm.outcome", outcome),
					KeyValue.of("llm.model", (response != null) ? response.model() : NONE),
					KeyValue.of("error.type", errorType(context)));
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof LlmRequestContext;
		}

	}

	private static final class AttemptConvention implements ObservationConvention<LlmAttemptContext> {

		@Override
		public String getName() {
			return ATTEMPT;
		}

		@Override
		public String getContextualName(LlmAttemptContext context) {
			return "chat " + context.getModel().name();
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(LlmAttemptContext context) {
			LlmResponse response = context.getResponse();
			String outcome = context.isSkipped() ? "skipped"
					: (context.getError() != null) ? "failure" : (response != null) ? "success" : "cancelled";
			return KeyValues.of(KeyValue.of("gen_ai.operation.name", "chat"),
					KeyValue.of("gen_ai.system", context.getProviderType()),
					KeyValue.of("gen_ai.request.model", context.getModel().name()),
					KeyValue.of("gen_ai.response.model", (response != null) ? response.modelName() : NONE),
					KeyValue.of("llm.model", context.getModel().id()),
					KeyValue.of("llm.provider", context.getModel().provider()), KeyValue.of("llm.outcome", outcome),
					KeyValue.of("error.type", errorType(context)));
		}

		@Override
		public KeyValues getHighCardinalityKeyValues(LlmAttemptContext context) {
			return KeyValues.of(KeyValue.of("llm.attempt", String.valueOf(context.getAttempt())));
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof LlmAttemptContext;
		}

	}

}
