using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using Glint.Data;
using Glint.Data.OAuth;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Glint.Auth.OAuth2;

/// <summary>
/// A token read by its reference with its client and its authorization: one joined command on the context's
/// connection, the three rows handed to the context as tracked, unchanged entities. OpenIddict later redeems or
/// revokes what it is given through the context, so it needs what EF Core's query with two includes gave it; that
/// query's pipeline and materialisation were the largest share of a code exchange's CPU. Tables, columns and
/// conversions come from the model, so both databases read the same way.
/// </summary>
internal sealed class TokenByReference
{
    /// <summary>One per model: a process has one provider's model, the tests both.</summary>
    private static readonly ConcurrentDictionary<IModel, TokenByReference> ByModel = new();

    private readonly string _sql;
    private readonly IProperty _reference;
    private readonly Row _token;
    private readonly Row _client;
    private readonly Row _authorization;

    /// <summary>How the statement names the reference: PostgreSQL's number, which Npgsql sends as it is (see <see cref="NumberedParameters"/>).</summary>
    private readonly string _referenceParameter;

    private TokenByReference(IModel model, bool postgres)
    {
        _referenceParameter = postgres ? "" : "reference";
        var tokens = Entity<OAuthToken>(model);
        var clients = Entity<Client>(model);
        var authorizations = Entity<OAuthAuthorization>(model);
        _reference = tokens.FindProperty(nameof(OAuthToken.ReferenceId))!;
        _token = new Row(tokens, 0);
        _client = new Row(clients, _token.End);
        _authorization = new Row(authorizations, _client.End);
        string Key(IEntityType entity, string alias) => $"{alias}.{Quote(entity.FindPrimaryKey()!.Properties[0].GetColumnName())}";
        string Foreign(string navigation) => "t." + Quote(tokens.FindNavigation(navigation)!.ForeignKey.Properties[0].GetColumnName());
        _sql = $"SELECT {_token.Columns("t")}, {_client.Columns("a")}, {_authorization.Columns("z")} FROM {Table(tokens)} t " +
            $"LEFT JOIN {Table(clients)} a ON {Key(clients, "a")} = {Foreign(nameof(OAuthToken.Application))} " +
            $"LEFT JOIN {Table(authorizations)} z ON {Key(authorizations, "z")} = {Foreign(nameof(OAuthToken.Authorization))} " +
            $"WHERE t.{Quote(_reference.GetColumnName())} = {(postgres ? "$1" : "@reference")} LIMIT 1";
    }

    public static TokenByReference For(GlintDbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        return ByModel.TryGetValue(db.Model, out var known)
            ? known
            : ByModel.GetOrAdd(db.Model, new TokenByReference(db.Model, db.Database.ProviderName == "Npgsql.EntityFrameworkCore.PostgreSQL"));
    }

    /// <summary>
    /// The token stored under <paramref name="reference"/> (its obfuscated form), tracked, with its client and
    /// authorization; an entity the context already tracks is used as it is, so no key is ever tracked twice.
    /// </summary>
    public async Task<OAuthToken?> ReadAsync(GlintDbContext db, string reference, CancellationToken cancellationToken)
    {
        object?[]? values = null;
        await db.Database.OpenConnectionAsync(cancellationToken);
        try
        {
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText = _sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            command.Parameters.Add(_reference.GetRelationalTypeMapping().CreateParameter(command, _referenceParameter, reference, nullable: false));
            using var timing = DatabaseTelemetry.Time(command);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (await reader.ReadAsync(cancellationToken))
            {
                values = new object?[_authorization.End];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = Row.Value(reader, i, i < _token.End ? _token : i < _client.End ? _client : _authorization);
                }
            }
        }
        catch (DbException refused)
        {
            RefusedCommands.Note(db.Database.GetDbConnection(), refused);
            throw;
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }

        if (values is null)
        {
            return null;
        }

        // Principals first: a dependent's foreign key, set once it is tracked, then points its navigation at them.
        _client.Track(db, values, static (Client client) => client.Id);
        _authorization.Track(db, values, static (OAuthAuthorization authorization) => authorization.Id);
        var token = _token.Track(db, values, static (OAuthToken token) => token.Id);
        if (token is not null)
        {
            // Loaded as the includes leave them, also when absent: OpenIddict would otherwise query for them again.
            var entry = TrackedEntities.EntryOf(db, token);
            entry.Reference(nameof(OAuthToken.Application)).IsLoaded = true;
            entry.Reference(nameof(OAuthToken.Authorization)).IsLoaded = true;
        }

        return token;
    }

    private static IEntityType Entity<T>(IModel model) =>
        model.FindEntityType(typeof(T)) ?? throw new InvalidOperationException($"{typeof(T).Name} is not in the model.");

    private static string Table(IEntityType entity) =>
        entity.GetSchema() is { } schema ? $"{Quote(schema)}.{Quote(entity.GetTableName()!)}" : Quote(entity.GetTableName()!);

    /// <summary>Both SQLite and PostgreSQL quote identifiers with double quotes (the model's names have none).</summary>
    private static string Quote(string identifier) => '"' + identifier + '"';

    /// <summary>One entity's columns in the joined row, from <see cref="Start"/> on, in the order of its properties.</summary>
    private sealed class Row
    {
        private readonly IProperty[] _properties;
        private readonly Func<DbDataReader, int, object?>[] _readers;
        private readonly int _key;

        public Row(IEntityType entity, int start)
        {
            _properties = [.. entity.GetProperties()];
            _readers = [.. _properties.Select(Reader)];
            _key = Array.IndexOf(_properties, entity.FindPrimaryKey()!.Properties[0]);
            Start = start;
        }

        public int Start { get; }

        public int End => Start + _properties.Length;

        public string Columns(string alias) => string.Join(", ", _properties.Select(property => $"{alias}.{Quote(property.GetColumnName())}"));

        public static object? Value(DbDataReader reader, int ordinal, Row row) =>
            reader.IsDBNull(ordinal) ? null : row._readers[ordinal - row.Start](reader, ordinal);

        /// <summary>
        /// The row's entity, tracked as unchanged with the row's values (foreign keys included, which are shadow
        /// properties in OpenIddict's model), or the instance the context already tracks under its key; null when the
        /// row is absent (a token without a client or authorization).
        /// </summary>
        public T? Track<T>(DbContext db, object?[] values, Func<T, string?> id) where T : class, new()
        {
            if (values[Start + _key] is not string key)
            {
                return null;
            }

            if (TrackedEntities.Find(db, (Id: id, Key: key), static (T candidate, (Func<T, string?> Id, string Key) wanted) =>
                    string.Equals(wanted.Id(candidate), wanted.Key, StringComparison.Ordinal)) is { } tracked)
            {
                return tracked;
            }

            var entity = new T();
            for (var i = 0; i < _properties.Length; i++)
            {
                if (!_properties[i].IsShadowProperty())
                {
                    _properties[i].PropertyInfo!.SetValue(entity, values[Start + i]);
                }
            }

            // The foreign keys (shadow properties) are set while the entry is still detached, so that tracking it takes
            // them as its original values and fixes up the navigations once: set after, each one went through EF Core's
            // key-change detection and navigation fix-up again, which showed in the code exchange's profile.
            var entry = TrackedEntities.EntryOf(db, entity);
            for (var i = 0; i < _properties.Length; i++)
            {
                if (_properties[i].IsShadowProperty())
                {
                    entry.Property(_properties[i]).CurrentValue = values[Start + i];
                }
            }

            entry.State = EntityState.Unchanged;
            return entity;
        }

        /// <summary>A column's value as the model's property holds it: read as stored, then through its converter.</summary>
        private static Func<DbDataReader, int, object?> Reader(IProperty property)
        {
            var converter = property.GetTypeMapping().Converter;
            var stored = converter?.ProviderClrType ?? property.ClrType;
            var read = typeof(Row).GetMethod(nameof(Read), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(Nullable.GetUnderlyingType(stored) ?? stored)
                .CreateDelegate<Func<DbDataReader, int, object?>>();
            return converter is null ? read : (reader, ordinal) => converter.ConvertFromProvider(read(reader, ordinal));
        }

        private static object? Read<TStored>(DbDataReader reader, int ordinal) => reader.GetFieldValue<TStored>(ordinal);
    }
}
