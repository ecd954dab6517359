/**
 * The priority queue that admits requests under a concurrency limit, with aging,
 * per-priority capacity and graceful shutdown.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.queue;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
