/**
 * Auto-configuration of the Spring AI bridge.
 */
@NonNullApi
@NonNullFields
package dev.llmresilience.springai.autoconfigure;

import org.springframework.lang.NonNullApi;
import org.springframework.lang.NonNullFields;
