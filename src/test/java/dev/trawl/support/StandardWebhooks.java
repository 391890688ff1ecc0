package dev.trawl.support;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A receiver's check of a Standard Webhooks signature, written from the spec apart from the
 * platform's signer: does any {@code v1,} signature of the header match the HMAC-SHA256 of
 * {@code id.timestamp.body} under the secret?
 */
public final class StandardWebhooks {

    private StandardWebhooks() {}

    public static boolean verifies(String secret, String id, String timestamp, String body, String signatureHeader) {
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        byte[] expected;
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            expected = mac.doFinal((id + "." + timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        for (String signature : signatureHeader.split(" ")) {
            if (!signature.startsWith("v1,")) {
                continue;
            }
            byte[] given = Base64.getDecoder().decode(signature.substring(3));
            if (MessageDigest.isEqual(expected, given)) {
                return true;
            }
        }
        return false;
    }
}
