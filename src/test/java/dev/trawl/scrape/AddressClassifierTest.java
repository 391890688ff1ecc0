package dev.trawl.scrape;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Classifies address literals only: nothing here opens a connection or asks DNS. */
class AddressClassifierTest {

    @ParameterizedTest
    @CsvSource({
        "127.0.0.1, loopback",
        "127.255.255.254, loopback",
        "::1, loopback",
        "10.1.2.3, private",
        "172.16.0.1, private",
        "172.31.255.255, private",
        "192.168.1.1, private",
        "fd12:3456::1, private",
        "fc00::1, private",
        "169.254.1.1, link-local",
        "fe80::1, link-local",
        "169.254.169.254, metadata",
        "fd00:ec2::254, metadata",
        "100.64.0.1, carrier-grade NAT",
        "100.127.255.255, carrier-grade NAT",
        "224.0.0.1, multicast",
        "ff02::1, multicast",
        "0.0.0.0, unspecified",
        "::, unspecified",
        "255.255.255.255, broadcast",
        "::ffff:127.0.0.1, loopback",
        "::ffff:10.0.0.1, private",
        "::ffff:169.254.169.254, metadata",
        "64:ff9b::a00:1, private",
        "2002:a9fe:a9fe::1, metadata",
    })
    void refusesAddressesInsideOurNetwork(String literal, String reason) throws Exception {
        assertThat(AddressClassifier.refusalReason(InetAddress.getByName(literal)))
                .get()
                .asString()
                .contains(reason);
    }

    /** The ranges issue 10 found open; docs/operations.md (security checklist) gives the decision for each. */
    @ParameterizedTest
    @CsvSource({
        // SIIT ::ffff:0:0/96 is judged by the IPv4 address inside
        "::ffff:0:127.0.0.1, loopback",
        "::ffff:0:10.0.0.1, private",
        "::ffff:0:169.254.169.254, metadata",
        // Teredo 2001::/32 is refused whole, whatever it carries
        "2001:0:4136:e378:8000:63bf:3fff:fdd2, Teredo",
        "2001::1, Teredo",
        // 6to4 2002::/16 is judged by the IPv4 address in bytes 2..5
        "2002:0a00:0001::1, private",
        "2002:7f00:0001::1, loopback",
        "2002:c0a8:0101:1::1, private",
        // NAT64: the well-known /96 is judged by the last four bytes, local-use 64:ff9b:1::/48 refused whole
        "64:ff9b::127.0.0.1, loopback",
        "64:ff9b::192.168.0.1, private",
        "64:ff9b::169.254.169.254, metadata",
        "64:ff9b:1::8.8.8.8, local-use NAT64",
        "64:ff9b:1:ab00::1, local-use NAT64",
        // Azure's wireserver, on a public-looking address
        "168.63.129.16, metadata",
        "::ffff:168.63.129.16, metadata",
    })
    void refusesTheRangesIssueTenFoundOpen(String literal, String reason) throws Exception {
        assertThat(AddressClassifier.refusalReason(InetAddress.getByName(literal)))
                .get()
                .asString()
                .contains(reason);
    }

    @ParameterizedTest
    @ValueSource(strings = {"::ffff:0:8.8.8.8", "2002:0808:0808::1", "64:ff9b::8.8.8.8", "168.63.129.17"})
    void tunnelsAndTranslatorsToPublicAddressesAreAllowed(String literal) throws Exception {
        assertThat(AddressClassifier.refusalReason(InetAddress.getByName(literal)))
                .isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"93.184.215.14", "8.8.8.8", "172.32.0.1", "100.128.0.1", "2606:4700::1111", "2a00:1450::1"})
    void allowsPublicAddresses(String literal) throws Exception {
        assertThat(AddressClassifier.refusalReason(InetAddress.getByName(literal)))
                .isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"2130706433", "127.1"})
    void numericShorthandsOfLoopbackAreStillLoopback(String literal) throws Exception {
        InetAddress address = InetAddress.getByName(literal);
        assertThat(AddressClassifier.refusalReason(address)).isPresent();
    }

    @ParameterizedTest
    @CsvSource({
        "10.0.0.0/8, 10.200.3.4, true",
        "10.0.0.0/8, 11.0.0.1, false",
        "127.0.0.2/32, 127.0.0.2, true",
        "127.0.0.2/32, 127.0.0.1, false",
        "172.16.0.0/12, 172.31.1.1, true",
        "172.16.0.0/12, 172.32.0.1, false",
        "fd00::/8, fd12::1, true",
        "fd00::/8, 10.0.0.1, false",
        "192.168.1.7, 192.168.1.7, true",
    })
    void allowListRangesMatchByPrefix(String range, String address, boolean inside) throws Exception {
        assertThat(CidrRange.parse(range).contains(InetAddress.getByName(address)))
                .isEqualTo(inside);
    }
}
