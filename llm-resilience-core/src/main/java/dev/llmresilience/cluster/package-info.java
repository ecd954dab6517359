/**
 * Sharing rate budgets, spend budgets and rate-limit holds between the replicas of an
 * application through Redis, with a local fallback while Redis is unreachable.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.cluster;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
