using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Glint.Ledger;

namespace Glint.Wallets.Prices;

/// <summary>One fetch of the price feed: a good price, or why there is none (in words that never hold the URL).</summary>
public sealed record PriceReading(BtcUsdPrice? Price, string? Problem)
{
    public static PriceReading Failed(string problem) => new(null, problem);
}

/// <summary>
/// Fetches the feed and reads the price at the configured path. Only a number (or a string holding one, as some feeds
/// quote) between 0.01 and 100,000,000 US dollars is a price; anything else is refused, and the caller keeps the last good one.
/// </summary>
public sealed class PriceFeedReader(HttpClient http, PriceFeedOptions options)
{
    private const decimal MaxDollars = 100_000_000m;

    public async Task<PriceReading> ReadAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PriceFeedOptions.FetchTimeout);
        try
        {
            using var request = Request();
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
            {
                return PriceReading.Failed(string.Create(CultureInfo.InvariantCulture, $"the feed answered HTTP {(int)response.StatusCode}"));
            }

            if (response.Content.Headers.ContentLength > PriceFeedOptions.MaxAnswerBytes)
            {
                return PriceReading.Failed("the feed's answer is larger than 1 MB");
            }

            await using var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            var bytes = new MemoryStream();
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await body.ReadAsync(buffer, timeout.Token)) > 0)
            {
                if (bytes.Length + read > PriceFeedOptions.MaxAnswerBytes)
                {
                    return PriceReading.Failed("the feed's answer is larger than 1 MB");
                }

                bytes.Write(buffer, 0, read);
            }

            return Parse(bytes.GetBuffer().AsMemory(0, (int)bytes.Length));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return PriceReading.Failed("the feed did not answer within 10 seconds");
        }
        catch (HttpRequestException)
        {
            // Its message may name the host and port; the reason alone is enough for the log.
            return PriceReading.Failed("the feed could not be reached");
        }
    }

    /// <summary>The price in an answer's body.</summary>
    public PriceReading Parse(ReadOnlyMemory<byte> body)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException)
        {
            return PriceReading.Failed("the feed's answer is not JSON");
        }

        using (document)
        {
            if (!options.JsonPath.TryFind(document.RootElement, out var value))
            {
                return PriceReading.Failed($"the feed's answer has nothing at {options.JsonPath}");
            }

            var dollars = 0m;
            var isNumber = value.ValueKind switch
            {
                JsonValueKind.Number => value.TryGetDecimal(out dollars),
                JsonValueKind.String => decimal.TryParse(value.GetString(), NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign,
                    CultureInfo.InvariantCulture, out dollars),
                _ => false,
            };
            if (!isNumber)
            {
                return PriceReading.Failed($"the value at {options.JsonPath} is not a number");
            }

            if (dollars < 0.01m || dollars >= MaxDollars)
            {
                return PriceReading.Failed($"the value at {options.JsonPath} is not a price between 0.01 and 100000000 US dollars");
            }

            return new PriceReading(new BtcUsdPrice((long)decimal.Round(dollars * 100m, MidpointRounding.ToZero)), null);
        }
    }

    private HttpRequestMessage Request()
    {
        var url = options.Url;
        var request = new HttpRequestMessage(HttpMethod.Get, new UriBuilder(url) { UserName = "", Password = "" }.Uri);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (url.UserInfo.Length > 0)
        {
            var credentials = Uri.UnescapeDataString(url.UserInfo);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        }

        return request;
    }
}
