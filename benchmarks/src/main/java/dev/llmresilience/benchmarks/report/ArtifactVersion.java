package dev.llmresilience.benchmarks.report;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * Reads the version of a library on the class path, so that the report names what it
 * measured: from the {@code pom.properties} Maven packs into the jars it builds (the
 * shaded jar keeps them), else from {@code benchmark-versions.properties}, which the
 * build fills in for jars built otherwise.
 */
public final class ArtifactVersion {

	private ArtifactVersion() {
	}

	/**
	 * Return the version of an artifact.
	 * @param groupId its group id
	 * @param artifactId its artifact id
	 * @return the version, or {@code null} if unknown
	 */
	public static String of(String groupId, String artifactId) {
		String version = read("/META-INF/maven/" + groupId + "/" + artifactId + "/pom.properties", "version");
		return (version != null) ? version : read("/benchmark-versions.properties", groupId + ":" + artifactId);
	}

	private static String read(String path, String key) {
		try (InputStream in = ArtifactVersion.class.getResourceAsStream(path)) {
			if (in == null) {
				return null;
			}
			Properties properties = new Properties();
			properties.load(in);
			return properties.getProperty(key);
		}
		catch (IOException ex) {
			return null;
		}
	}

}
