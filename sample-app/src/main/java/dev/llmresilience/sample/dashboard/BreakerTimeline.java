package dev.llmresilience.sample.dashboard;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerRegistry;

/**
 * The states each circuit breaker went through lately, from the breakers' own events, so
 * the dashboard can draw when a model's breaker opened and closed again. The library
 * names every breaker after its model id.
 */
class BreakerTimeline {

	private final Clock clock;

	private final Duration keep;

	private final Map<String, List<StateChange>> changes = new ConcurrentHashMap<>();

	/**
	 * Create a new instance and start listening to every breaker of the registry,
	 * including breakers added later.
	 * @param registry the breakers
	 * @param clock the clock that dates the states found at start
	 * @param keep how long to remember a change
	 */
	BreakerTimeline(CircuitBreakerRegistry registry, Clock clock, Duration keep) {
		this.clock = clock;
		this.keep = keep;
		registry.getAllCircuitBreakers().forEach(this::watch);
		registry.getEventPublisher().onEntryAdded((event) -> watch(event.getAddedEntry()));
	}

	private void watch(CircuitBreaker breaker) {
		String name = breaker.getName();
		add(name, new StateChange(this.clock.millis(), breaker.getState().name()));
		breaker.getEventPublisher()
			.onStateTransition((event) -> add(name, new StateChange(event.getCreationTime().toInstant().toEpochMilli(),
					event.getStateTransition().getToState().name())));
		// reset() closes a breaker too; listen for it whether or not a transition is
		// reported.
		breaker.getEventPublisher()
			.onReset((event) -> add(name, new StateChange(event.getCreationTime().toInstant().toEpochMilli(),
					CircuitBreaker.State.CLOSED.name())));
	}

	private void add(String name, StateChange change) {
		List<StateChange> changes = this.changes.computeIfAbsent(name, (key) -> new ArrayList<>());
		synchronized (changes) {
			changes.add(change);
			long oldest = this.clock.millis() - this.keep.toMillis();
			// Keep the last change before the oldest time: it is the state the window
			// starts in.
			while (changes.size() > 1 && changes.get(1).at() <= oldest) {
				changes.remove(0);
			}
		}
	}

	/**
	 * Return the states of the given breakers since a time: for each, the state it was in
	 * at that time (dated then), followed by every later change.
	 * @param names the breaker names, in the order wanted
	 * @param since the start of the window
	 * @return the changes by breaker name; a breaker never seen has none
	 */
	Map<String, List<StateChange>> since(Iterable<String> names, Instant since) {
		long from = since.toEpochMilli();
		Map<String, List<StateChange>> result = new LinkedHashMap<>();
		for (String name : names) {
			List<StateChange> changes = this.changes.getOrDefault(name, List.of());
			List<StateChange> window = new ArrayList<>();
			synchronized (changes) {
				for (StateChange change : changes) {
					if (change.at() <= from) {
						window.clear();
						window.add(new StateChange(from, change.state()));
					}
					else {
						window.add(change);
					}
				}
			}
			result.put(name, window);
		}
		return result;
	}

	/**
	 * A breaker entering a state.
	 *
	 * @param at when, in epoch milliseconds
	 * @param state the state's name, such as {@code OPEN}
	 */
	record StateChange(long at, String state) {

	}

}
