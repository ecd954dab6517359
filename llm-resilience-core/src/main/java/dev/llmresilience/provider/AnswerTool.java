package dev.llmresilience.provider;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import dev.llmresilience.LlmContent;
import dev.llmresilience.LlmStreamEvent;

import org.springframework.lang.Nullable;

/**
 * What both wire formats do alike with the answer tool: the tool named after a request's
 * output schema, whose input is the answer, that stands in for structured output on a
 * model without it.
 * <p>
 * The answer tool's call is the answer's text, as a native answer's would be, and no call
 * for the application to run. Text the model writes beside it (a preamble such as "Let me
 * fill that in.") is no part of the answer: text that the answer tool's call follows,
 * with no call of the request's own tools in between, is left out, and so is text after
 * the last call when the answer tool was called; it stays in the provider's raw body.
 * Text before a call of the request's own tools is that turn's text and stays, as it
 * would without an output schema. A stream holds its text back until it knows which it
 * is.
 */
public final class AnswerTool {

	private AnswerTool() {
	}

	/**
	 * Read the content of an answer to a request whose output schema was met with the
	 * answer tool.
	 * @param content the answer's blocks in order, the answer tool's call among them as a
	 * tool call
	 * @param name the answer tool's name
	 * @return the content to answer with, and the answer tool's input
	 */
	public static Answer read(List<LlmContent> content, String name) {
		List<LlmContent> read = new ArrayList<>();
		List<LlmContent> sinceLastCall = new ArrayList<>();
		String answer = null;
		for (LlmContent block : content) {
			if (!(block instanceof LlmContent.ToolCall call)) {
				sinceLastCall.add(block);
				continue;
			}
			boolean answerCall = call.name().equals(name);
			keep(sinceLastCall, !answerCall, read);
			sinceLastCall.clear();
			if (answerCall) {
				read.add(LlmContent.text(call.rawInput()));
				if (answer == null) {
					answer = call.rawInput();
				}
			}
			else {
				read.add(call);
			}
		}
		keep(sinceLastCall, answer == null, read);
		return new Answer(read, answer);
	}

	private static void keep(List<LlmContent> blocks, boolean withText, List<LlmContent> read) {
		for (LlmContent block : blocks) {
			if (withText || !(block instanceof LlmContent.Text)) {
				read.add(block);
			}
		}
	}

	/**
	 * The content of an answer read with {@link #read}.
	 *
	 * @param content the blocks: the answer tool's call as a text block of its input, the
	 * preamble left out
	 * @param answer the input of the answer tool's first call, the whole answer, or
	 * {@code null} if the model did not call it
	 */
	public record Answer(List<LlmContent> content, @Nullable String answer) {

	}

	/**
	 * The text of one streamed answer, held back until it is known whether it is the
	 * answer tool's preamble, as {@link #read} tells it of the whole answer: a call of
	 * the request's own tools lets the text held so far out, before the call's events;
	 * the answer tool's call drops it; the end of the answer lets it out if the answer
	 * tool was not called and drops it otherwise. The answer tool's own input is not
	 * held: it is the answer.
	 */
	public static final class StreamedText {

		private final List<LlmStreamEvent> held = new ArrayList<>();

		private boolean answered;

		/**
		 * Hold a piece of text that is not the answer tool's input.
		 * @param delta the piece
		 */
		public void hold(LlmStreamEvent.TextDelta delta) {
			this.held.add(delta);
		}

		/**
		 * Tell that a tool call begins.
		 * @param answerCall whether it is the answer tool's call
		 * @param emit where the text let out goes
		 */
		public void toolCall(boolean answerCall, Consumer<LlmStreamEvent> emit) {
			if (answerCall) {
				this.answered = true;
			}
			else {
				this.held.forEach(emit);
			}
			this.held.clear();
		}

		/**
		 * Tell that the answer is complete.
		 * @param emit where the text let out goes
		 */
		public void end(Consumer<LlmStreamEvent> emit) {
			if (!this.answered) {
				this.held.forEach(emit);
			}
			this.held.clear();
		}

	}

}
