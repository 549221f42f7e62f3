using System.Text.Json.Nodes;
using Glint.Auth.Audit;
using Glint.Data.Audit;
using Glint.Data.OAuth;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Core;

namespace Glint.Auth.Clients;

/// <summary>Hydra's OAuth2 client admin API: <c>/admin/clients</c>, wire-compatible with Hydra v2.2.0.</summary>
public static class ClientAdminApi
{
    public const string Path = "/admin/clients";

    public static IEndpointRouteBuilder MapClientAdminApi(this IEndpointRouteBuilder routes)
    {
        var clients = routes.MapGroup(Path).DisableAntiforgery();
        clients.MapPost("", CreateAsync);
        clients.MapMethods("", GetAndHead.Methods, ClientListApi.ListAsync);
        clients.MapMethods("/{id}", GetAndHead.Methods, GetAsync);
        clients.MapPut("/{id}", ReplaceAsync);
        clients.MapPatch("/{id}", PatchAsync);
        clients.MapDelete("/{id}", DeleteAsync);
        clients.MapPut("/{id}/lifespans", SetLifespansAsync);
        return routes;
    }

    private static async Task<IResult> CreateAsync(HttpContext http, OpenIddictApplicationManager<Client> manager, TimeProvider time)
    {
        var (client, error) = await HydraJsonBody.ReadAsync<ClientMetadata>(http.Request);
        if (client is null)
        {
            return error!;
        }

        var written = await CreateClientAsync(client, manager, time, http.RequestAborted);
        if (written.Client is not { } created)
        {
            return written.Error!;
        }

        http.Response.Headers.Location = $"{Path}/{Uri.EscapeDataString(created.ClientId!)}";
        return Json(created, StatusCodes.Status201Created);
    }

    /// <summary>
    /// Validates and stores a new client, as <c>POST /admin/clients</c> does for every caller (the developer portal's
    /// approvals too). The result carries the secret, given or generated, once.
    /// </summary>
    public static async Task<ClientWrite> CreateClientAsync(
        ClientMetadata client, OpenIddictApplicationManager<Client> manager, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(manager);
        if (ClientValidator.Validate(client) is { } invalid)
        {
            return new(null, invalid);
        }

        client.ClientId ??= Guid.NewGuid().ToString();
        var secret = client.IsPublic ? null : client.ClientSecret ?? ClientMetadata.GenerateSecret();
        client.CreatedAt = client.UpdatedAt = Now(time);

        if (await manager.FindByClientIdAsync(client.ClientId, cancellationToken) is not null)
        {
            return new(null, HydraError.Conflict());
        }

        var row = new Client();
        client.WriteTo(row);
        try
        {
            await manager.CreateAsync(row, secret, cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two creates of the same id raced past the lookup above; the unique index decided.
            return new(null, HydraError.Conflict());
        }
        catch (OpenIddictExceptions.ValidationException exception)
        {
            return new(null, HydraError.InvalidClientMetadata(string.Join(" ", exception.Results.Select(result => result.ErrorMessage))));
        }

        var created = ClientMetadata.Read(row);
        created.ClientSecret = secret;
        return new(created, null);
    }

    private static async Task<IResult> GetAsync(string id, OpenIddictApplicationManager<Client> manager, CancellationToken cancellationToken) =>
        await manager.FindByClientIdAsync(id, cancellationToken) is { } row
            ? Json(ClientMetadata.Read(row))
            : HydraError.NotFound();

    private static async Task<IResult> ReplaceAsync(string id, HttpContext http, ClientManager manager, TimeProvider time)
    {
        if (await manager.FindForChangeAsync(id, http.RequestAborted) is not { } row)
        {
            return HydraError.NotFound();
        }

        var (client, error) = await HydraJsonBody.ReadAsync<ClientMetadata>(http.Request);
        return client is null ? error! : await SaveAsync(http, row, client, manager, time);
    }

    private static async Task<IResult> PatchAsync(string id, HttpContext http, ClientManager manager, TimeProvider time)
    {
        if (await manager.FindForChangeAsync(id, http.RequestAborted) is not { } row)
        {
            return HydraError.NotFound();
        }

        var (body, error) = await HydraJsonBody.ReadAsync<JsonNode>(http.Request);
        if (body is null)
        {
            return error!;
        }

        JsonNode document;
        try
        {
            var operations = JsonPatch.Parse(body);
            if (operations.FirstOrDefault(op => IsImmutable(op.Path)) is { } denied)
            {
                return HydraError.InvalidRequest($"The JSON Patch operation on '{denied.Path}' is not allowed: that field cannot be changed.");
            }

            document = ClientMetadata.Read(row).ToNode();
            JsonPatch.Apply(document, operations);
        }
        catch (FormatException exception)
        {
            // JsonPatch's messages are its own, naming the operation and the rule.
            return HydraError.Malformed("Unable to apply the JSON Patch: " + exception.Message);
        }

        var (patched, invalid) = HydraJsonBody.Convert<ClientMetadata>(document);
        return patched is null ? invalid! : await SaveAsync(http, row, patched, manager, time);
    }

    private static async Task<IResult> SetLifespansAsync(string id, HttpContext http, ClientManager manager, TimeProvider time)
    {
        if (await manager.FindForChangeAsync(id, http.RequestAborted) is not { } row)
        {
            return HydraError.NotFound();
        }

        var (lifespans, error) = await HydraJsonBody.ReadAsync<ClientLifespans>(http.Request);
        if (lifespans is null)
        {
            return error!;
        }

        var client = ClientMetadata.Read(row);
        lifespans.ApplyTo(client);
        return await SaveAsync(http, row, client, manager, time);
    }

    private static async Task<IResult> DeleteAsync(string id, ClientManager manager, CancellationToken cancellationToken)
    {
        if (await manager.FindForChangeAsync(id, cancellationToken) is not { } row)
        {
            return HydraError.NotFound();
        }

        // OpenIddict's store deletes the client's authorizations and tokens with it, so its tokens stop working.
        await manager.DeleteAsync(row, cancellationToken);
        return Results.NoContent();
    }

    /// <summary>
    /// PUT, PATCH and lifespans all end here. The id comes from the path; a secret in the body replaces the stored
    /// one and is returned once; no secret keeps the stored one (the Terraform provider re-sends it on every update).
    /// </summary>
    private static async Task<IResult> SaveAsync(
        HttpContext http, Client row, ClientMetadata client, OpenIddictApplicationManager<Client> manager, TimeProvider time)
    {
        var written = await SaveClientAsync(row, client, manager, time, http.RequestAborted);
        if (written.Client is not { } saved)
        {
            return written.Error!;
        }

        if (saved.ClientSecret is not null)
        {
            // A new secret replaced the stored one (or a public client became confidential): the audit says so.
            AdminCallAudit.Note(http, new AuditRecord(AuditActions.ClientSecretRotated, AuditActors.Admin) { ClientId = saved.ClientId });
        }

        return Json(saved);
    }

    /// <summary>Validates <paramref name="client"/> and stores it over <paramref name="row"/>, as PUT does for every caller.</summary>
    public static async Task<ClientWrite> SaveClientAsync(
        Client row, ClientMetadata client, OpenIddictApplicationManager<Client> manager, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(manager);
        client.ClientId = null;
        if (ClientValidator.Validate(client) is { } invalid)
        {
            return new(null, invalid);
        }

        client.ClientId = row.ClientId;
        client.CreatedAt = row.CreatedAt;
        client.UpdatedAt = Now(time);

        var secret = client.ClientSecret;
        if (client.IsPublic)
        {
            row.ClientSecret = null;
        }
        else if (secret is null && row.ClientSecret is null)
        {
            // A public client became confidential without a secret in the body: it needs one now.
            secret = ClientMetadata.GenerateSecret();
        }

        client.WriteTo(row);
        try
        {
            if (secret is null)
            {
                await manager.UpdateAsync(row, cancellationToken);
            }
            else
            {
                await manager.UpdateAsync(row, secret, cancellationToken);
            }
        }
        catch (OpenIddictExceptions.ConcurrencyException)
        {
            return new(null, HydraError.Conflict());
        }
        catch (OpenIddictExceptions.ValidationException exception)
        {
            return new(null, HydraError.InvalidClientMetadata(string.Join(" ", exception.Results.Select(result => result.ErrorMessage))));
        }

        var saved = ClientMetadata.Read(row);
        saved.ClientSecret = secret;
        return new(saved, null);
    }

    private static bool IsImmutable(string path) =>
        path.TrimEnd('/').ToLowerInvariant() is "/client_id" or "/id" or "/created_at" or "/updated_at" or "/rotated_secrets" or "/rotatedsecrets";

    /// <summary>Hydra rounds client timestamps to the second.</summary>
    private static DateTimeOffset Now(TimeProvider time)
    {
        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    public static IResult Json(ClientMetadata client, int status = StatusCodes.Status200OK) =>
        Results.Json(client, HydraJson.Options, "application/json; charset=utf-8", status);
}

/// <summary>A client as stored by a create or a save (its secret set only when one was issued), or Hydra's error for the request.</summary>
public readonly record struct ClientWrite(ClientMetadata? Client, IResult? Error);
