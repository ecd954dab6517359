package dev.llmresilience;

import java.net.URI;
import java.util.List;
import java.util.Objects;

import com.fasterxml.jackson.databind.JsonNode;

import org.springframework.lang.Nullable;
import org.springframework.util.Assert;

/**
 * A block of content in a message or an answer, the same for every provider: text,
 * images, documents, tool calls and their results, the model's reasoning, refusals, and
 * the blocks of one provider that have no neutral form.
 * <p>
 * No block's {@code toString()} shows its text, input or data: they may hold personal
 * data, and they are large.
 */
public sealed interface LlmContent
		permits LlmContent.Text, LlmContent.Image, LlmContent.Document, LlmContent.ToolCall, LlmContent.ToolResult,
		LlmContent.Reasoning, LlmContent.RedactedReasoning, LlmContent.Refusal, LlmContent.ProviderBlock {

	/**
	 * Create a text block.
	 * @param text the text
	 * @return the block
	 */
	static Text text(String text) {
		return new Text(text, List.of());
	}

	/**
	 * Create an image from its bytes.
	 * @param mediaType the media type, such as {@code image/png}
	 * @param base64 the bytes, Base64-encoded
	 * @return the block
	 */
	static Image image(String mediaType, String base64) {
		Assert.hasText(mediaType, "mediaType must not be empty");
		Assert.hasText(base64, "base64 must not be empty");
		return new Image(mediaType, base64, null);
	}

	/**
	 * Create an image the provider fetches itself.
	 * @param url where the image is
	 * @return the block
	 */
	static Image image(URI url) {
		Assert.notNull(url, "url must not be null");
		return new Image(null, null, url);
	}

	/**
	 * Create a PDF document from its bytes.
	 * @param base64 the bytes, Base64-encoded
	 * @param title a title the model may cite, or {@code null}
	 * @return the block
	 */
	static Document pdf(String base64, @Nullable String title) {
		Assert.hasText(base64, "base64 must not be empty");
		return new Document(Document.PDF, base64, null, title);
	}

	/**
	 * Create a PDF document the provider fetches itself.
	 * @param url where the document is
	 * @param title a title the model may cite, or {@code null}
	 * @return the block
	 */
	static Document pdf(URI url, @Nullable String title) {
		Assert.notNull(url, "url must not be null");
		return new Document(Document.PDF, null, url, title);
	}

	/**
	 * Create a plain-text document.
	 * @param text the document's text
	 * @param title a title the model may cite, or {@code null}
	 * @return the block
	 */
	static Document plainText(String text, @Nullable String title) {
		Assert.notNull(text, "text must not be null");
		return new Document(Document.PLAIN_TEXT, text, null, title);
	}

	/**
	 * Create the result of a tool call.
	 * @param callId the id of the call it answers
	 * @param text what the tool returned
	 * @return the block
	 */
	static ToolResult toolResult(String callId, String text) {
		return new ToolResult(callId, List.of(text(text)), false);
	}

	/**
	 * Create the result of a tool call that failed, for the model to see and react to.
	 * @param callId the id of the call it answers
	 * @param text what went wrong
	 * @return the block
	 */
	static ToolResult toolError(String callId, String text) {
		return new ToolResult(callId, List.of(text(text)), true);
	}

	/**
	 * Text.
	 *
	 * @param text the text
	 * @param citations the sources the model cited for this text, empty for none; only
	 * answers carry them
	 */
	record Text(String text, List<Citation> citations) implements LlmContent {

		public Text {
			Objects.requireNonNull(text, "text must not be null");
			citations = List.copyOf(citations);
		}

		@Override
		public String toString() {
			return "Text{length=" + this.text.length() + ", citations=" + this.citations.size() + "}";
		}

	}

	/**
	 * A source the model cited.
	 *
	 * @param type the provider's kind of citation, such as {@code char_location} or
	 * {@code url_citation}
	 * @param citedText the text cited, or {@code null}
	 * @param title the title of the source, or {@code null}
	 * @param url the address of the source, or {@code null}
	 * @param raw the citation as the provider sent it, for its other fields
	 */
	record Citation(String type, @Nullable String citedText, @Nullable String title, @Nullable String url,
			JsonNode raw) {

		@Override
		public String toString() {
			return "Citation{type=" + this.type + "}";
		}

	}

	/**
	 * An image, given by its bytes or by a URL: exactly one of {@code data} and
	 * {@code url} is set.
	 *
	 * @param mediaType the media type of the bytes, or {@code null} for a URL
	 * @param data the bytes, Base64-encoded, or {@code null}
	 * @param url where the image is, or {@code null}
	 */
	record Image(@Nullable String mediaType, @Nullable String data, @Nullable URI url) implements LlmContent {

		public Image {
			Assert.isTrue((data != null) != (url != null), "An image has either data or a URL");
			Assert.isTrue(data == null || mediaType != null, "Image data needs a media type");
		}

		@Override
		public String toString() {
			return "Image{mediaType=" + this.mediaType + ", url=" + (this.url != null) + "}";
		}

	}

	/**
	 * A document: a PDF given by its bytes or a URL, or plain text.
	 *
	 * @param mediaType {@value #PDF} or {@value #PLAIN_TEXT}
	 * @param data the PDF's bytes Base64-encoded, or the plain text; {@code null} for a
	 * URL
	 * @param url where the PDF is, or {@code null}
	 * @param title a title the model may cite, or {@code null}
	 */
	record Document(String mediaType, @Nullable String data, @Nullable URI url,
			@Nullable String title) implements LlmContent {

		/** The media type of a PDF. */
		public static final String PDF = "application/pdf";

		/** The media type of plain text. */
		public static final String PLAIN_TEXT = "text/plain";

		public Document {
			Assert.isTrue(PDF.equals(mediaType) || PLAIN_TEXT.equals(mediaType),
					"A document is application/pdf or text/plain");
			Assert.isTrue((data != null) != (url != null), "A document has either data or a URL");
			Assert.isTrue(url == null || PDF.equals(mediaType), "Only a PDF can be given by URL");
		}

		/**
		 * Return whether this is a PDF rather than plain text.
		 * @return whether it is a PDF
		 */
		public boolean isPdf() {
			return PDF.equals(this.mediaType);
		}

		@Override
		public String toString() {
			return "Document{mediaType=" + this.mediaType + ", url=" + (this.url != null) + "}";
		}

	}

	/**
	 * A call of a tool that the model asked for, in an assistant turn.
	 *
	 * @param id the call's id, which its result refers to
	 * @param name the tool's name
	 * @param input the arguments as a JSON object, or {@code null} if they are not
	 * complete JSON: the answer was cut off inside them (stop reason
	 * {@link StopReason#MAX_TOKENS}), or an OpenAI-compatible model wrote arguments that
	 * do not parse
	 * @param rawInput the arguments as the model wrote them
	 */
	record ToolCall(String id, String name, @Nullable JsonNode input, String rawInput) implements LlmContent {

		public ToolCall {
			Assert.hasText(id, "id must not be empty");
			Assert.hasText(name, "name must not be empty");
			Objects.requireNonNull(rawInput, "rawInput must not be null");
		}

		/**
		 * Create a call with complete arguments.
		 * @param id the call's id
		 * @param name the tool's name
		 * @param input the arguments, a JSON object
		 */
		public ToolCall(String id, String name, JsonNode input) {
			this(id, name, input, input.toString());
		}

		@Override
		public String toString() {
			return "ToolCall{id=" + this.id + ", name=" + this.name + ", complete=" + (this.input != null) + "}";
		}

	}

	/**
	 * What a tool returned, in a user turn.
	 *
	 * @param callId the id of the call it answers
	 * @param content what the tool returned: text, images or documents
	 * @param error whether the tool failed, so that the model can react to it
	 */
	record ToolResult(String callId, List<LlmContent> content, boolean error) implements LlmContent {

		public ToolResult {
			Assert.hasText(callId, "callId must not be empty");
			content = List.copyOf(content);
			Assert.isTrue(content.stream().allMatch(ToolResult::isResultContent),
					"A tool result holds text, images and documents only");
		}

		private static boolean isResultContent(LlmContent block) {
			return block instanceof Text || block instanceof Image || block instanceof Document;
		}

		@Override
		public String toString() {
			return "ToolResult{callId=" + this.callId + ", blocks=" + this.content.size() + ", error=" + this.error
					+ "}";
		}

	}

	/**
	 * The reasoning a model showed before its answer. Anthropic signs its thinking and
	 * needs it back, unchanged, in the turns of a tool loop; unsigned reasoning (from
	 * OpenAI-compatible servers) cannot be sent to Anthropic and is left out there.
	 *
	 * @param text the reasoning
	 * @param signature Anthropic's signature of it, or {@code null}
	 */
	record Reasoning(String text, @Nullable String signature) implements LlmContent {

		public Reasoning {
			Objects.requireNonNull(text, "text must not be null");
		}

		@Override
		public String toString() {
			return "Reasoning{length=" + this.text.length() + ", signed=" + (this.signature != null) + "}";
		}

	}

	/**
	 * Reasoning the provider encrypted (Anthropic's {@code redacted_thinking}): opaque,
	 * to be sent back as it came.
	 *
	 * @param data the encrypted reasoning
	 */
	record RedactedReasoning(String data) implements LlmContent {

		public RedactedReasoning {
			Objects.requireNonNull(data, "data must not be null");
		}

		@Override
		public String toString() {
			return "RedactedReasoning{}";
		}

	}

	/**
	 * The model's refusal to answer, in its own words.
	 *
	 * @param text the refusal
	 */
	record Refusal(String text) implements LlmContent {

		public Refusal {
			Objects.requireNonNull(text, "text must not be null");
		}

		@Override
		public String toString() {
			return "Refusal{length=" + this.text.length() + "}";
		}

	}

	/**
	 * A block that only one wire format knows (Anthropic's server tool uses and their
	 * results, compaction, and block types added later), kept as it came. It is sent back
	 * as it is to providers of the same format and left out for the others.
	 *
	 * @param format the wire format it came from, such as {@code anthropic}
	 * @param type the block's type in that format
	 * @param json the block as the provider sent it
	 */
	record ProviderBlock(String format, String type, JsonNode json) implements LlmContent {

		@Override
		public String toString() {
			return "ProviderBlock{format=" + this.format + ", type=" + this.type + "}";
		}

	}

}
