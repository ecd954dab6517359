/**
 * The clients under test: a raw WebClient, LlmTemplate, Spring AI and the Anthropic Java
 * SDK, each behind one interface.
 */
package dev.llmresilience.benchmarks.clients;
