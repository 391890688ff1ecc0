package dev.trawl.deploy;

import dev.trawl.support.TestServices;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * {@link RedisPasswordChecks} with the password in QUARKUS_REDIS_PASSWORD and a URL without it. Before
 * the queue connector and the pub/sub connection read it too, only the Quarkus client did: submits
 * failed (the connector's XADD got NOAUTH) and no worker read a job.
 */
@QuarkusTest
@QuarkusTestResource(TestServices.class)
@QuarkusTestResource(value = PasswordProtectedRedis.SeparatePassword.class, restrictToAnnotatedClass = true)
class RedisSeparatePasswordIT extends RedisPasswordChecks {}
