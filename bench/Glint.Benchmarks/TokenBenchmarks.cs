using System.Buffers.Text;
using System.Security.Claims;
using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using Glint.Auth.OAuth2;
using Glint.Data.OAuth;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Glint.Benchmarks;

/// <summary>
/// Token generation and lookup with the primitives Glint's token endpoint and validation use, short of a whole
/// OpenIddict request pipeline: the token entry OpenIddict writes for every access token (the reference identifier
/// is hashed at rest by the token manager) and finds again on each opaque-token validation, on SQLite with
/// synchronous commits; and a JWT access token signed and validated with a 2048-bit RSA key (RS256), as Glint's
/// signing keys are.
/// </summary>
[MemoryDiagnoser]
public class TokenBenchmarks
{
    private const string Issuer = "http://127.0.0.1:4444/";
    private ScratchDatabase _database = null!;
    private ServiceProvider _services = null!;
    private string _existingReference = "";
    private readonly JsonWebTokenHandler _handler = new();
    private SigningCredentials _credentials = null!;
    private TokenValidationParameters _validation = null!;
    private string _jwt = "";

    [GlobalSetup]
    public async Task Setup()
    {
        _database = new ScratchDatabase();
        _services = OpenIddictServices.Build(_database);
        _existingReference = await CreateEntryAsync();

        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = Guid.NewGuid().ToString() };
        _credentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256);
        _validation = new TokenValidationParameters
        {
            ValidIssuer = Issuer,
            ValidateAudience = false,
            IssuerSigningKey = key,
            ValidTypes = ["at+jwt"],
        };
        _jwt = SignJwt();
    }

    /// <summary>A new opaque access token: 256 random bits, base64url, with Glint's prefix.</summary>
    [Benchmark(Description = "opaque token: new reference value")]
    public string NewReference() => TokenPrefix.AccessToken + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    [Benchmark(Description = "token entry: insert (SQLite, hashed reference)")]
    public Task<string> CreateEntry() => CreateEntryAsync();

    [Benchmark(Description = "token entry: find by reference (SQLite)")]
    public async Task<object?> FindEntry()
    {
        await using var scope = _services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OpenIddictTokenManager<OAuthToken>>().FindByReferenceIdAsync(_existingReference);
    }

    [Benchmark(Description = "JWT access token: sign (RS256, 2048-bit)")]
    public string SignJwt() => _handler.CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Issuer,
        Subject = new ClaimsIdentity([new Claim("sub", "bench-client"), new Claim("client_id", "bench-client"), new Claim("scope", "read write")]),
        Expires = DateTime.UtcNow.AddHours(1),
        TokenType = "at+jwt",
        SigningCredentials = _credentials,
    });

    [Benchmark(Description = "JWT access token: validate (RS256, 2048-bit)")]
    public async Task<bool> ValidateJwt() => (await _handler.ValidateTokenAsync(_jwt, _validation)).IsValid;

    private async Task<string> CreateEntryAsync()
    {
        var reference = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        await using var scope = _services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<OpenIddictTokenManager<OAuthToken>>().CreateAsync(new OpenIddictTokenDescriptor
        {
            ReferenceId = reference,
            Type = OpenIddictConstants.TokenTypeIdentifiers.AccessToken,
            Status = OpenIddictConstants.Statuses.Valid,
            Subject = "bench-client",
            CreationDate = DateTimeOffset.UtcNow,
            ExpirationDate = DateTimeOffset.UtcNow.AddHours(1),
            Payload = "payload-of-a-reference-token",
        });
        return reference;
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _services.DisposeAsync();
        _database.Dispose();
    }
}
