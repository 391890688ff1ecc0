package dev.trawl.scrape;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Optional;

/**
 * Says why an address must not be fetched from: anything that reaches into our own network or
 * the cloud's metadata service. IPv6 forms that embed an IPv4 address (mapped, compatible, SIIT,
 * NAT64 64:ff9b::/96, 6to4) are judged by the IPv4 address inside; Teredo and local-use NAT64,
 * whose embedded address cannot be judged reliably, are refused whole. The decision per range is
 * written down in docs/operations.md (security checklist).
 */
public final class AddressClassifier {

    private AddressClassifier() {}

    /** The reason the address is refused, or empty if it is a public unicast address. */
    public static Optional<String> refusalReason(InetAddress address) {
        if (address instanceof Inet6Address v6) {
            return classifyV6(v6);
        }
        return classifyV4(address.getAddress());
    }

    private static Optional<String> classifyV4(byte[] a) {
        int b0 = a[0] & 0xff;
        int b1 = a[1] & 0xff;
        if (b0 == 169 && b1 == 254 && (a[2] & 0xff) == 169 && (a[3] & 0xff) == 254) {
            return Optional.of("cloud metadata address");
        }
        // Azure's wireserver: metadata and the VM agent's channel, reachable from every Azure VM
        if (b0 == 168 && b1 == 63 && (a[2] & 0xff) == 129 && (a[3] & 0xff) == 16) {
            return Optional.of("cloud metadata address");
        }
        if (b0 == 0) {
            return Optional.of("unspecified address");
        }
        if (b0 == 127) {
            return Optional.of("loopback address");
        }
        if (b0 == 10 || (b0 == 172 && (b1 & 0xf0) == 16) || (b0 == 192 && b1 == 168)) {
            return Optional.of("private address");
        }
        if (b0 == 169 && b1 == 254) {
            return Optional.of("link-local address");
        }
        if (b0 == 100 && (b1 & 0xc0) == 64) {
            return Optional.of("carrier-grade NAT address");
        }
        if (b0 >= 224 && b0 <= 239) {
            return Optional.of("multicast address");
        }
        if (b0 >= 240) {
            return Optional.of("reserved or broadcast address");
        }
        if ((b0 == 192 && b1 == 0 && (a[2] & 0xff) == 0) || (b0 == 198 && (b1 & 0xfe) == 18)) {
            return Optional.of("reserved address");
        }
        return Optional.empty();
    }

    private static Optional<String> classifyV6(Inet6Address address) {
        byte[] a = address.getAddress();
        if (isAwsMetadata(a)) {
            return Optional.of("cloud metadata address");
        }
        if (address.isAnyLocalAddress()) {
            return Optional.of("unspecified address");
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("loopback address");
        }
        if (address.isLinkLocalAddress()) {
            return Optional.of("link-local address");
        }
        if (address.isSiteLocalAddress() || (a[0] & 0xfe) == 0xfc) {
            return Optional.of("private address");
        }
        if (address.isMulticastAddress()) {
            return Optional.of("multicast address");
        }
        if (isTeredo(a)) {
            // the client's IPv4 address is obfuscated inside and reached through a relay we do not choose
            return Optional.of("Teredo tunnel address");
        }
        if (isNat64(a) && !isWellKnownNat64(a)) {
            // 64:ff9b:1::/48 is for NAT64 inside one operator's network; the rest of 64:ff9b::/32 is unassigned
            return Optional.of("local-use NAT64 address");
        }
        Optional<byte[]> embedded = embeddedV4(a);
        return embedded.flatMap(AddressClassifier::classifyV4);
    }

    /** 2001::/32 (RFC 4380). */
    private static boolean isTeredo(byte[] a) {
        return a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0;
    }

    /** 64:ff9b::/32, which holds both the well-known NAT64 prefix and the local-use one. */
    private static boolean isNat64(byte[] a) {
        return a[0] == 0 && a[1] == 0x64 && a[2] == (byte) 0xff && a[3] == (byte) 0x9b;
    }

    /** 64:ff9b::/96 (RFC 6052): the IPv4 address is the last four bytes. */
    private static boolean isWellKnownNat64(byte[] a) {
        return isNat64(a) && allZero(a, 4, 12);
    }

    private static boolean allZero(byte[] a, int from, int to) {
        for (int i = from; i < to; i++) {
            if (a[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isAwsMetadata(byte[] a) {
        // fd00:ec2::254
        byte[] expected = new byte[16];
        expected[0] = (byte) 0xfd;
        expected[2] = 0x0e;
        expected[3] = (byte) 0xc2;
        expected[14] = 0x02;
        expected[15] = 0x54;
        return Arrays.equals(a, expected);
    }

    private static Optional<byte[]> embeddedV4(byte[] a) {
        boolean firstTenZero = allZero(a, 0, 10);
        // ::ffff:a.b.c.d (mapped) and ::a.b.c.d (compatible, deprecated but still routed by some stacks)
        if (firstTenZero && ((a[10] == (byte) 0xff && a[11] == (byte) 0xff) || (a[10] == 0 && a[11] == 0))) {
            return Optional.of(Arrays.copyOfRange(a, 12, 16));
        }
        // ::ffff:0:a.b.c.d (SIIT, RFC 2765): translated to the IPv4 address by a stateless translator
        if (allZero(a, 0, 8) && a[8] == (byte) 0xff && a[9] == (byte) 0xff && a[10] == 0 && a[11] == 0) {
            return Optional.of(Arrays.copyOfRange(a, 12, 16));
        }
        if (isWellKnownNat64(a)) {
            return Optional.of(Arrays.copyOfRange(a, 12, 16));
        }
        // 2002::/16 (6to4) carries the IPv4 address in bytes 2..5
        if (a[0] == 0x20 && a[1] == 0x02) {
            return Optional.of(Arrays.copyOfRange(a, 2, 6));
        }
        return Optional.empty();
    }

    /** For tests and callers holding a literal: the reason for a textual address. */
    public static Optional<String> refusalReason(String literal) throws UnknownHostException {
        return refusalReason(InetAddress.getByName(literal));
    }
}
