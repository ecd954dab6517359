package dev.llmresilience;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.boot.test.autoconfigure.web.reactive.AutoConfigureWebTestClient;

/**
 * A {@code WebTestClient} bound to the server of a {@code @SpringBootTest}, through
 * Spring Boot 3.5's {@code @AutoConfigureWebTestClient}. Spring Boot 4 moved it to
 * `org.springframework.boot.webtestclient.autoconfigure`; the shared tests name this
 * annotation instead.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@AutoConfigureWebTestClient
public @interface WithWebTestClient {

}
