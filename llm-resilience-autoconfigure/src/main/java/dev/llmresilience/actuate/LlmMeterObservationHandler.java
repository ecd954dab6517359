package dev.llmresilience.actuate;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

import dev.llmresilience.observation.LlmAttemptContext;
import dev.llmresilience.observation.LlmRequestContext;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.core.instrument.LongTaskTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.observation.Observation;

import org.springframework.lang.Nullable;

/**
 * Micrometer's default meter handler, which records the timer of every observation and
 * the long task timer of those running, with the meters of the library's own observations
 * ({@code llm.request} and {@code llm.attempt}) looked up once per tag set and kept. The
 * default handler builds a list of tags, a meter id and a builder for each meter of each
 * observation and looks the meter up in the registry, twice per observation and two
 * observations per call: more than the recording costs, for the same few tag sets on
 * every call. The meters are the same (names, types, tags, the {@code error} tag of the
 * timer, whether long task timers are made); the observations of everything else go to
 * the default handler unchanged.
 * <p>
 * Past a bound of kept tag sets, in case a convention of the application's makes tags of
 * high cardinality, meters are looked up and not kept. A meter removed from the registry
 * after it was kept keeps being recorded to, as with any meter an application holds.
 */
public class LlmMeterObservationHandler extends DefaultMeterObservationHandler {

	/** The most tag sets whose meters are kept, per kind of meter. */
	private static final int MAX_KEPT = 1024;

	private static final String NO_ERROR = "none";

	private final MeterRegistry registry;

	private final boolean longTaskTimers;

	private final Map<MeterKey, LongTaskTimer> activeTimers = new ConcurrentHashMap<>();

	private final Map<MeterKey, Timer> timers = new ConcurrentHashMap<>();

	/**
	 * Create a new instance.
	 * @param registry where to record
	 * @param longTaskTimers whether to make the long task timers of running observations
	 * ({@code <name>.active}), as Spring Boot's
	 * {@code management.observations.long-task-timer.enabled} says
	 */
	public LlmMeterObservationHandler(MeterRegistry registry, boolean longTaskTimers) {
		super(registry, longTaskTimers ? new IgnoredMeters[0] : new IgnoredMeters[] { IgnoredMeters.LONG_TASK_TIMER });
		this.registry = registry;
		this.longTaskTimers = longTaskTimers;
	}

	@Override
	public void onStart(Observation.Context context) {
		if (!isLlm(context)) {
			super.onStart(context);
			return;
		}
		if (this.longTaskTimers) {
			MeterKey key = new MeterKey(context.getName(), context.getLowCardinalityKeyValues(), null);
			context.put(LongTaskTimer.Sample.class, kept(this.activeTimers, key, this::activeTimer).start());
		}
		context.put(Timer.Sample.class, Timer.start(this.registry));
	}

	@Override
	public void onStop(Observation.Context context) {
		if (!isLlm(context)) {
			super.onStop(context);
			return;
		}
		Throwable error = context.getError();
		MeterKey key = new MeterKey(context.getName(), context.getLowCardinalityKeyValues(),
				(error != null) ? error.getClass().getSimpleName() : NO_ERROR);
		Timer.Sample sample = context.getRequired(Timer.Sample.class);
		sample.stop(kept(this.timers, key, this::timer));
		if (this.longTaskTimers) {
			LongTaskTimer.Sample activeSample = context.getRequired(LongTaskTimer.Sample.class);
			activeSample.stop();
		}
	}

	private static boolean isLlm(Observation.Context context) {
		return context instanceof LlmRequestContext || context instanceof LlmAttemptContext;
	}

	private static <M> M kept(Map<MeterKey, M> meters, MeterKey key, Function<MeterKey, M> make) {
		M meter = meters.get(key);
		if (meter == null) {
			meter = make.apply(key);
			if (meters.size() < MAX_KEPT) {
				meters.putIfAbsent(key, meter);
			}
		}
		return meter;
	}

	private LongTaskTimer activeTimer(MeterKey key) {
		return LongTaskTimer.builder(key.name() + ".active").tags(tags(key)).register(this.registry);
	}

	private Timer timer(MeterKey key) {
		List<Tag> tags = tags(key);
		tags.add(Tag.of("error", key.error()));
		return Timer.builder(key.name()).tags(tags).register(this.registry);
	}

	private static List<Tag> tags(MeterKey key) {
		List<Tag> tags = new ArrayList<>();
		for (KeyValue keyValue : key.keyValues()) {
			tags.add(Tag.of(keyValue.getKey(), keyValue.getValue()));
		}
		return tags;
	}

	/**
	 * What a meter is looked up by: the observation's name, its low-cardinality key
	 * values and, for the timer, the error's type.
	 */
	private record MeterKey(String name, KeyValues keyValues, @Nullable String error) {
	}

}
