package dev.llmresilience.routing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.ToDoubleFunction;

import dev.llmresilience.budget.ProviderPacer;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * Picks the deployment of a model for each attempt. Healthy deployments come first: those
 * whose breaker lets calls through and that are not held by their provider, and among
 * them those the request has not tried yet, so that a retry goes to another deployment
 * where there is one. The strategy then picks among them. When no deployment is healthy,
 * the one held for the shortest time is picked, for the pacer to wait for it or refuse;
 * when every breaker is open, the first, for its breaker to refuse.
 */
public final class DeploymentRouter {

	private final List<Deployment> deployments;

	private final RoutingStrategy strategy;

	private final ProviderPacer pacer;

	private final DoubleSupplier random;

	/**
	 * Create a new instance that draws from {@link ThreadLocalRandom}.
	 * @param deployments the deployments of the model, at least one
	 * @param strategy how to pick among the healthy ones
	 * @param pacer tells the holds and budgets of each deployment
	 */
	public DeploymentRouter(List<Deployment> deployments, RoutingStrategy strategy, ProviderPacer pacer) {
		this(deployments, strategy, pacer, () -> ThreadLocalRandom.current().nextDouble());
	}

	/**
	 * Create a new instance.
	 * @param deployments the deployments of the model, at least one
	 * @param strategy how to pick among the healthy ones
	 * @param pacer tells the holds and budgets of each deployment
	 * @param random draws numbers from 0 (inclusive) to 1 (exclusive) for weighted picks
	 */
	public DeploymentRouter(List<Deployment> deployments, RoutingStrategy strategy, ProviderPacer pacer,
			DoubleSupplier random) {
		Assert.notEmpty(deployments, "deployments must not be empty");
		this.deployments = List.copyOf(deployments);
		this.strategy = strategy;
		this.pacer = pacer;
		this.random = random;
	}

	/**
	 * Return the deployments, in configuration order.
	 * @return the deployments
	 */
	public List<Deployment> deployments() {
		return this.deployments;
	}

	/**
	 * Return the routing strategy.
	 * @return the strategy
	 */
	public RoutingStrategy strategy() {
		return this.strategy;
	}

	/**
	 * Pick the deployment for an attempt.
	 * @param tried the deployments the request has tried already
	 * @return the deployment
	 */
	public Deployment choose(Collection<Deployment> tried) {
		if (this.deployments.size() == 1) {
			return this.deployments.get(0);
		}
		List<Deployment> healthy = new ArrayList<>(this.deployments.size());
		List<Deployment> untried = new ArrayList<>(this.deployments.size());
		Deployment leastHeld = null;
		Duration shortestHold = null;
		for (Deployment deployment : this.deployments) {
			if (!deployment.permitsCalls()) {
				continue;
			}
			Duration hold = this.pacer.holdRemaining(deployment.model());
			if (hold.isZero()) {
				healthy.add(deployment);
				if (!tried.contains(deployment)) {
					untried.add(deployment);
				}
			}
			else if (shortestHold == null || hold.compareTo(shortestHold) < 0) {
				leastHeld = deployment;
				shortestHold = hold;
			}
		}
		if (!untried.isEmpty()) {
			return pick(untried);
		}
		if (!healthy.isEmpty()) {
			return pick(healthy);
		}
		return (leastHeld != null) ? leastHeld : this.deployments.get(0);
	}

	/**
	 * Pick the deployment for a hedge: a healthy one the request has not tried.
	 * @param tried the deployments the request has tried, or is trying, already
	 * @return the deployment, or {@code null} if there is none
	 */
	@Nullable
	public Deployment chooseHedge(Collection<Deployment> tried) {
		List<Deployment> untried = new ArrayList<>(this.deployments.size());
		for (Deployment deployment : this.deployments) {
			if (!tried.contains(deployment) && deployment.permitsCalls()
					&& this.pacer.holdRemaining(deployment.model()).isZero()) {
				untried.add(deployment);
			}
		}
		return untried.isEmpty() ? null : pick(untried);
	}

	/**
	 * Return whether a model served by several deployments has one that can be called
	 * now: its breaker lets calls through and its provider does not hold it. Always
	 * {@code false} for a model served by one, whose retries wait for what its provider
	 * asked.
	 * @return whether a call could go now
	 */
	public boolean isReady() {
		if (this.deployments.size() == 1) {
			return false;
		}
		for (Deployment deployment : this.deployments) {
			if (deployment.permitsCalls() && this.pacer.holdRemaining(deployment.model()).isZero()) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Return whether any deployment's breaker lets calls through.
	 * @return whether calls are permitted
	 */
	public boolean permitsCalls() {
		for (Deployment deployment : this.deployments) {
			if (deployment.permitsCalls()) {
				return true;
			}
		}
		return false;
	}

	private Deployment pick(List<Deployment> candidates) {
		if (candidates.size() == 1) {
			return candidates.get(0);
		}
		return switch (this.strategy) {
			case WEIGHTED_RANDOM -> weighted(candidates);
			case LEAST_IN_FLIGHT -> weighted(best(candidates, (deployment) -> -deployment.inFlight()));
			case LOWEST_LATENCY -> weighted(best(candidates, DeploymentRouter::latencyScore));
			case MOST_REMAINING_BUDGET -> weighted(best(candidates, this::remainingShare));
		};
	}

	/**
	 * Return the candidates of the highest score.
	 */
	private static List<Deployment> best(List<Deployment> candidates, ToDoubleFunction<Deployment> score) {
		List<Deployment> best = new ArrayList<>(candidates.size());
		double top = Double.NEGATIVE_INFINITY;
		for (Deployment candidate : candidates) {
			double value = score.applyAsDouble(candidate);
			if (value > top) {
				best.clear();
				top = value;
			}
			if (value == top) {
				best.add(candidate);
			}
		}
		return best;
	}

	/**
	 * Score a deployment by its latency: not measured yet scores highest, so that every
	 * deployment is measured once.
	 */
	private static double latencyScore(Deployment deployment) {
		Duration latency = deployment.latency();
		return (latency != null) ? -latency.toNanos() : Double.POSITIVE_INFINITY;
	}

	private double remainingShare(Deployment deployment) {
		return Math.min(deployment.remainingShareByHeaders(),
				this.pacer.remainingShare(deployment.model(), deployment.key()));
	}

	private Deployment weighted(List<Deployment> candidates) {
		if (candidates.size() == 1) {
			return candidates.get(0);
		}
		long total = 0;
		for (Deployment candidate : candidates) {
			total += candidate.weight();
		}
		if (total == 0) {
			// every weight zero: as likely as each other
			return candidates.get((int) (this.random.getAsDouble() * candidates.size()));
		}
		double point = this.random.getAsDouble() * total;
		for (Deployment candidate : candidates) {
			point -= candidate.weight();
			if (point < 0) {
				return candidate;
			}
		}
		return candidates.get(candidates.size() - 1);
	}

}
