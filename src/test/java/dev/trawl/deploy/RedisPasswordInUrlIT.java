package dev.trawl.deploy;

import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** {@link RedisPasswordChecks} with the password in the URL, QUARKUS_REDIS_HOSTS, as the deployments give it. */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@QuarkusTestResource(value = PasswordProtectedRedis.class, restrictToAnnotatedClass = true)
class RedisPasswordInUrlIT extends RedisPasswordChecks {}
