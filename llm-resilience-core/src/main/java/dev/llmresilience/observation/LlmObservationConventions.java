package dev.llmresilience.observation;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.llmresilience.LlmPriority;
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

		private final Memo<RequestTags, KeyValues> tags = new Memo<>();

		private final Memo<String, String> names = new Memo<>();

		@Override
		public String getName() {
			return REQUEST;
		}

		@Override
		public String getContextualName(LlmRequestContext context) {
			return this.names.get(context.getTarget(), RequestConvention::contextualName);
		}

		private static String contextualName(String target) {
			return "llm " + target;
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
			return this.tags.get(
					new RequestTags(context.getTarget(), context.getRequest().priority(), context.isStreaming(),
							outcome, (response != null) ? response.model() : NONE, errorType(context)),
					RequestTags::keyValues);
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof LlmRequestContext;
		}

	}

	private static final class AttemptConvention implements ObservationConvention<LlmAttemptContext> {

		/** The attempt numbers whose tag is kept ready. */
		private static final KeyValues[] ATTEMPTS = new KeyValues[8];

		static {
			for (int i = 0; i < ATTEMPTS.length; i++) {
				ATTEMPTS[i] = KeyValues.of(KeyValue.of("llm.attempt", String.valueOf(i + 1)));
			}
		}

		private final Memo<AttemptTags, KeyValues> tags = new Memo<>();

		private final Memo<String, String> names = new Memo<>();

		@Override
		public String getName() {
			return ATTEMPT;
		}

		@Override
		public String getContextualName(LlmAttemptContext context) {
			return this.names.get(context.getModel().name(), AttemptConvention::contextualName);
		}

		private static String contextualName(String modelName) {
			return "chat " + modelName;
		}

		@Override
		public KeyValues getLowCardinalityKeyValues(LlmAttemptContext context) {
			LlmResponse response = context.getResponse();
			String outcome = context.isSkipped() ? "skipped"
					: (context.getError() != null) ? "failure" : (response != null) ? "success" : "cancelled";
			return this.tags.get(new AttemptTags(context.getProviderType(), context.getModel().name(),
					(response != null) ? response.modelName() : NONE, context.getModel().id(),
					context.getModel().provider(), outcome, errorType(context)), AttemptTags::keyValues);
		}

		@Override
		public KeyValues getHighCardinalityKeyValues(LlmAttemptContext context) {
			int attempt = context.getAttempt();
			return (attempt >= 1 && attempt <= ATTEMPTS.length) ? ATTEMPTS[attempt - 1]
					: KeyValues.of(KeyValue.of("llm.attempt", String.valueOf(attempt)));
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return context instanceof LlmAttemptContext;
		}

	}

	/**
	 * The tag values of a request observation.
	 */
	private record RequestTags(String target, LlmPriority priority, boolean streaming, String outcome, String model,
			String errorType) {

		KeyValues keyValues() {
			return KeyValues.of(KeyValue.of("llm.target", this.target),
					KeyValue.of("llm.priority", this.priority.name().toLowerCase(Locale.ROOT)),
					KeyValue.of("llm.streaming", String.valueOf(this.streaming)),
					KeyValue.of("llm.outcome", this.outcome), KeyValue.of("llm.model", this.model),
					KeyValue.of("error.type", this.errorType));
		}

	}

	/**
	 * The tag values of a model-call observation.
	 */
	private record AttemptTags(String system, String requestModel, String responseModel, String model, String provider,
			String outcome, String errorType) {

		KeyValues keyValues() {
			return KeyValues.of(KeyValue.of("gen_ai.operation.name", "chat"), KeyValue.of("gen_ai.system", this.system),
					KeyValue.of("gen_ai.request.model", this.requestModel),
					KeyValue.of("gen_ai.response.model", this.responseModel), KeyValue.of("llm.model", this.model),
					KeyValue.of("llm.provider", this.provider), KeyValue.of("llm.outcome", this.outcome),
					KeyValue.of("error.type", this.errorType));
		}

	}

	/**
	 * Values already made, by what they were made from: an observation's tags come back
	 * in the same few combinations on every call, and making them anew (objects, and a
	 * sort) is a measurable part of an answer served at once. Bounded, in case a value
	 * that should be of low cardinality is not: past its size, values are made and not
	 * kept.
	 */
	private static final class Memo<K, V> {

		private static final int MAX_SIZE = 1024;

		private final Map<K, V> values = new ConcurrentHashMap<>();

		V get(K key, Function<K, V> make) {
			V value = this.values.get(key);
			if (value == null) {
				value = make.apply(key);
				if (this.values.size() < MAX_SIZE) {
					this.values.putIfAbsent(key, value);
				}
			}
			return value;
		}

	}

}
