package dev.llmresilience.budget;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import dev.llmresilience.LlmModel;
import dev.llmresilience.error.LlmBudgetExceededException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * A limit on what the requests it covers may spend in a calendar period (an hour, a day
 * or a month of a time zone), such as "chain {@code batch}, 50 a day", "tag
 * {@code tenant=acme}, 200 a month" or "everything, 1,000 a month". Before a call, its
 * estimate is reserved; after it, the reservation is settled with what the call cost.
 * When a call would pass the limit, the budget's {@link Action} decides: refuse the
 * request, skip the model, or only warn.
 * <p>
 * The spend is kept in a {@link SpendLedger}, of this JVM or shared with the other
 * replicas. Amounts are kept in nano-units (10<sup>-9</sup>) of the currency.
 */
public final class SpendBudget {

	private static final Log logger = LogFactory.getLog(SpendBudget.class);

	private static final int NANO_SCALE = 9;

	/** The largest limit, in the currency's unit, that nano-units hold. */
	public static final BigDecimal MAX_LIMIT = BigDecimal.valueOf(Long.MAX_VALUE, NANO_SCALE)
		.setScale(0, RoundingMode.DOWN);

	private final String name;

	private final Scope scope;

	private final BigDecimal limit;

	private final long limitNanos;

	private final String currency;

	private final Period period;

	private final ZoneId zone;

	private final Action action;

	private final SpendLedger ledger;

	private volatile Window window = new Window(Long.MIN_VALUE, Long.MIN_VALUE);

	/** The start of the period whose passing was logged last. */
	private volatile long loggedIn = Long.MIN_VALUE;

	/**
	 * Create a budget kept in this JVM.
	 * @param name the budget's name, as configured
	 * @param scope the requests and models it covers
	 * @param limit the most its requests may spend in a period, above 0
	 * @param currency the currency of the limit, the prices' currency
	 * @param period the period the spend is counted over
	 * @param zone the time zone that the period's start is in
	 * @param action what to do with a call that would pass the limit
	 */
	public SpendBudget(String name, Scope scope, BigDecimal limit, String currency, Period period, ZoneId zone,
			Action action) {
		this(name, scope, limit, currency, period, zone, action, new LocalSpendLedger());
	}

	/**
	 * Create a budget.
	 * @param name the budget's name, as configured
	 * @param scope the requests and models it covers
	 * @param limit the most its requests may spend in a period, above 0 and at most
	 * {@link #MAX_LIMIT}
	 * @param currency the currency of the limit, the prices' currency
	 * @param period the period the spend is counted over
	 * @param zone the time zone that the period's start is in
	 * @param action what to do with a call that would pass the limit
	 * @param ledger where the spend is kept
	 */
	public SpendBudget(String name, Scope scope, BigDecimal limit, String currency, Period period, ZoneId zone,
			Action action, SpendLedger ledger) {
		Assert.hasText(name, "name must not be empty");
		Assert.isTrue(limit.signum() > 0 && limit.compareTo(MAX_LIMIT) <= 0,
				() -> "The limit must be above 0 and at most " + MAX_LIMIT);
		this.name = name;
		this.scope = scope;
		this.limit = limit;
		this.limitNanos = limit.movePointRight(NANO_SCALE).setScale(0, RoundingMode.DOWN).longValueExact();
		this.currency = currency;
		this.period = period;
		this.zone = zone;
		this.action = action;
		this.ledger = ledger;
	}

	/**
	 * Return the budget's name.
	 * @return the name
	 */
	public String name() {
		return this.name;
	}

	/**
	 * Return what it covers.
	 * @return the scope
	 */
	public Scope scope() {
		return this.scope;
	}

	/**
	 * Return the most its requests may spend in a period.
	 * @return the limit, in the currency's unit
	 */
	public BigDecimal limit() {
		return this.limit;
	}

	/**
	 * Return what to do with a call that would pass the limit.
	 * @return the action
	 */
	public Action action() {
		return this.action;
	}

	/**
	 * Return where the spend is kept.
	 * @return the ledger
	 */
	public SpendLedger ledger() {
		return this.ledger;
	}

	long limitNanos() {
		return this.limitNanos;
	}

	/**
	 * Return the period that a time falls in, computed again only when a period ends.
	 * @param epochMilli the time
	 * @return the period
	 */
	Window window(long epochMilli) {
		Window window = this.window;
		return (epochMilli >= window.start && epochMilli < window.end) ? window : roll(epochMilli);
	}

	private synchronized Window roll(long epochMilli) {
		Window window = this.window;
		if (epochMilli >= window.start && epochMilli < window.end) {
			return window;
		}
		ZonedDateTime start = this.period.start(Instant.ofEpochMilli(epochMilli).atZone(this.zone));
		Window next = new Window(start.toInstant().toEpochMilli(), this.period.next(start).toInstant().toEpochMilli());
		this.window = next;
		return next;
	}

	/**
	 * Log, once a period, that a call would pass the limit.
	 * @param window the period
	 * @param model the model of the call
	 * @param unknownCost whether the call's cost cannot be estimated, its model having no
	 * prices
	 */
	void logPassed(Window window, LlmModel model, boolean unknownCost) {
		long logged = this.loggedIn;
		if (logged != window.start && logged < window.start) {
			synchronized (this) {
				if (this.loggedIn == logged) {
					this.loggedIn = window.start;
					logger.warn("Budget '" + this.name + "' (" + describeLimit() + ") "
							+ (unknownCost ? "covers model '" + model.id() + "', whose cost is unknown without prices"
									: "would be passed by a call of model '" + model.id() + "'")
							+ ": " + describeAction() + " until it resets at " + Instant.ofEpochMilli(window.end)
							+ ". Logged once a period.");
				}
			}
		}
	}

	private String describeAction() {
		return switch (this.action) {
			case REFUSE -> "requests it covers are refused";
			case SKIP -> "models that would pass it are skipped";
			case WARN -> "calls go on";
		};
	}

	private String describeLimit() {
		return this.limit.toPlainString() + " " + this.currency + " a " + this.period.name().toLowerCase(Locale.ROOT);
	}

	/**
	 * Return the error of a call that would pass the limit, or whose spend the ledger
	 * cannot know.
	 * @param window the period
	 * @param model the model of the call
	 * @param unknownCost whether the call's cost cannot be estimated, its model having no
	 * prices
	 * @param unavailable whether the ledger could not tell the spend
	 * @return the error
	 */
	LlmBudgetExceededException exceeded(Window window, LlmModel model, boolean unknownCost, boolean unavailable) {
		String reason;
		if (unavailable) {
			reason = "its shared spend cannot be known now";
		}
		else if (unknownCost) {
			reason = "model '" + model.id() + "' has no prices, so what a call may cost is unknown";
		}
		else {
			reason = "a call of model '" + model.id()
					+ "' would pass it (estimated at its input and its most output tokens)";
		}
		return new LlmBudgetExceededException(this.name, this.limit, this.currency, Instant.ofEpochMilli(window.end),
				this.action == Action.REFUSE, reason, model.provider(), model.id());
	}

	/**
	 * Settle a reservation with what the call cost: in the period it was made in, or,
	 * once that period is over, in the current one.
	 * @param reservedIn the start of the period the reservation was made in
	 * @param generation the generation of the ledger read before the reservation was made
	 * @param reserved the amount reserved, in nano-units
	 * @param cost what the call cost, in nano-units
	 * @param epochMilli the time now
	 */
	void settle(long reservedIn, long generation, long reserved, long cost, long epochMilli) {
		Window window = window(epochMilli);
		if (window.start == reservedIn) {
			this.ledger.adjust(reservedIn, cost - reserved, generation);
		}
		else {
			this.ledger.adjust(window.start, cost, generation);
		}
	}

	/**
	 * Return the budget's state now.
	 * @param epochMilli the time now
	 * @return the state
	 */
	public Status status(long epochMilli) {
		Window window = window(epochMilli);
		return new Status(this.limit,
				BigDecimal.valueOf(this.ledger.spent(window.start), NANO_SCALE).stripTrailingZeros(), this.currency,
				this.period, this.zone, this.action, this.scope, Instant.ofEpochMilli(window.start),
				Instant.ofEpochMilli(window.end), this.ledger.isShared());
	}

	@Override
	public String toString() {
		return "SpendBudget{name=" + this.name + ", scope=" + this.scope + ", limit=" + describeLimit() + ", action="
				+ this.action + "}";
	}

	/**
	 * What a budget covers: the requests served by a chain, the calls of a model, the
	 * requests carrying tags, all of these together, or, with none, every call.
	 *
	 * @param chain the chain whose requests it covers, or {@code null} for any
	 * @param model the id of the model whose calls it covers, or {@code null} for any
	 * @param tags the tags a request must carry, each with its value, for the budget to
	 * cover it
	 */
	public record Scope(@Nullable String chain, @Nullable String model, Map<String, String> tags) {

		/** Every call of every request. */
		public static final Scope EVERYTHING = new Scope(null, null, Map.of());

		public Scope {
			tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
		}

		/**
		 * Return whether the budget covers a request, whatever the model.
		 * @param requestChain the chain that serves it, or {@code null}
		 * @param requestTags its tags
		 * @return {@code true} if it covers the request
		 */
		public boolean coversRequest(@Nullable String requestChain, Map<String, String> requestTags) {
			if (this.chain != null && !this.chain.equals(requestChain)) {
				return false;
			}
			for (Map.Entry<String, String> tag : this.tags.entrySet()) {
				if (!tag.getValue().equals(requestTags.get(tag.getKey()))) {
					return false;
				}
			}
			return true;
		}

		/**
		 * Return whether the budget covers the calls of a model.
		 * @param modelId the model id
		 * @return {@code true} if it covers them
		 */
		public boolean coversModel(String modelId) {
			return this.model == null || this.model.equals(modelId);
		}

	}

	/**
	 * A budget's state.
	 *
	 * @param limit the most its requests may spend in a period
	 * @param spent what they spent in the current period, reservations of calls still
	 * running included, as last known here
	 * @param currency the currency
	 * @param period the period
	 * @param zone the time zone of the period's start
	 * @param action what is done with a call that would pass the limit
	 * @param scope what it covers
	 * @param periodStart the start of the current period
	 * @param resetsAt the end of the current period
	 * @param shared whether the spend is shared with the other replicas now
	 */
	public record Status(BigDecimal limit, BigDecimal spent, String currency, Period period, ZoneId zone, Action action,
			Scope scope, Instant periodStart, Instant resetsAt, boolean shared) {

	}

	/**
	 * A period, from its start, included, to its end, excluded, in epoch milliseconds.
	 */
	record Window(long start, long end) {

	}

	/**
	 * The calendar periods a budget counts over, in its time zone.
	 */
	public enum Period {

		/** From the start of an hour to the next. */
		HOUR {
			@Override
			ZonedDateTime start(ZonedDateTime time) {
				return time.truncatedTo(ChronoUnit.HOURS);
			}

			@Override
			ZonedDateTime next(ZonedDateTime start) {
				return start.plusHours(1);
			}
		},

		/** From midnight to midnight; a day of a change of clocks is 23 or 25 hours. */
		DAY {
			@Override
			ZonedDateTime start(ZonedDateTime time) {
				return time.toLocalDate().atStartOfDay(time.getZone());
			}

			@Override
			ZonedDateTime next(ZonedDateTime start) {
				return start.toLocalDate().plusDays(1).atStartOfDay(start.getZone());
			}
		},

		/** From the first of a month, at midnight, to the first of the next. */
		MONTH {
			@Override
			ZonedDateTime start(ZonedDateTime time) {
				return time.toLocalDate().withDayOfMonth(1).atStartOfDay(time.getZone());
			}

			@Override
			ZonedDateTime next(ZonedDateTime start) {
				return start.toLocalDate().withDayOfMonth(1).plusMonths(1).atStartOfDay(start.getZone());
			}
		};

		abstract ZonedDateTime start(ZonedDateTime time);

		abstract ZonedDateTime next(ZonedDateTime start);

	}

	/**
	 * What to do with a call that would pass a budget.
	 */
	public enum Action {

		/**
		 * Refuse the request with an {@link LlmBudgetExceededException}, before its
		 * provider is called.
		 */
		REFUSE,

		/**
		 * Skip the model, recorded as {@code SKIPPED}, so that a cheaper model of the
		 * chain answers.
		 */
		SKIP,

		/**
		 * Let the call go, with a log line once a period and a metric.
		 */
		WARN

	}

}
