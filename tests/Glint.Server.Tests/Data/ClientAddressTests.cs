using System.Net;
using Glint.Data.Network;

namespace Glint.Server.Tests.Data;

/// <summary>What per-address limits count against: an IPv4 host, or the /64 an IPv6 host may send from any address of.</summary>
public sealed class ClientAddressTests
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("::1", "::/64")]
    public void An_address_counts_against_its_host_or_its_slash_64(string address, string key) =>
        Assert.Equal(key, ClientAddress.LimitKey(IPAddress.Parse(address)));

    [Fact]
    public void No_address_is_one_key() => Assert.Equal("", ClientAddress.LimitKey(null));
}
