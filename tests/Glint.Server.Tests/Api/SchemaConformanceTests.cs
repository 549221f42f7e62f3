using System.Text;
using Glint.Api;
using Glint.Api.Access;
using GraphQLParser;
using GraphQLParser.AST;

namespace Glint.Server.Tests.Api;

/// <summary>
/// Every type, field, argument, enum value and union member Glint implements has Blink's exact name, type and
/// nullability, read from <c>Api/TestData/blink-public-schema.graphql</c>.
/// </summary>
public sealed class SchemaConformanceTests
{
    private static readonly HashSet<string> BuiltIns = ["String", "Int", "Float", "Boolean", "ID"];

    [Fact]
    public void Sdl_MatchesBlinksPublicSchema()
    {
        var ours = Definitions(GlintSchema.PrintSdl());
        var blink = Definitions(BlinkSchema());
        var problems = new List<string>();

        foreach (var (name, definition) in ours)
        {
            if (BuiltIns.Contains(name))
            {
                continue;
            }

            if (!blink.TryGetValue(name, out var reference))
            {
                problems.Add($"type {name} is not in Blink's schema");
                continue;
            }

            if (definition.Kind != reference.Kind)
            {
                problems.Add($"type {name} is a {definition.Kind} here and a {reference.Kind} in Blink's schema");
                continue;
            }

            Compare(name, definition, reference, problems);
        }

        Assert.True(problems.Count == 0, "Differences from Blink's schema:\n" + string.Join('\n', problems));
        Assert.Contains("Query", ours.Keys);
        Assert.Contains("Mutation", ours.Keys);
    }

    [Fact]
    public void CallbackFields_AreImplemented()
    {
        var sdl = GlintSchema.PrintSdl();
        var ours = Definitions(sdl);

        Assert.Contains("CallbackEndpointAddPayload", ours.Keys);
        Assert.Contains("CallbackEndpointAddInput", ours.Keys);
        Assert.Contains("CallbackEndpointDeleteInput", ours.Keys);
        Assert.Contains("callbackEndpointAdd(input: CallbackEndpointAddInput!): CallbackEndpointAddPayload!", sdl, StringComparison.Ordinal);
        Assert.Contains("callbackEndpointDelete(input: CallbackEndpointDeleteInput!): SuccessPayload!", sdl, StringComparison.Ordinal);
    }

    [Fact]
    public void PriceAndCsvFields_AreImplemented()
    {
        var sdl = GlintSchema.PrintSdl();
        var ours = Definitions(sdl);

        foreach (var type in (string[])["PriceGraphRange", "PricePoint", "Price", "PriceInput", "PricePayload", "ExchangeCurrencyUnit", "RealtimePriceInput", "RealtimePricePayload"])
        {
            Assert.Contains(type, ours.Keys);
        }

        Assert.Contains("btcPriceList(range: PriceGraphRange!): [PricePoint]", sdl, StringComparison.Ordinal);
        Assert.Contains("price(input: PriceInput!): PricePayload!", sdl, StringComparison.Ordinal);
        Assert.Contains("realtimePrice(input: RealtimePriceInput!): RealtimePricePayload!", sdl, StringComparison.Ordinal);
        Assert.Contains("realtimePrice(currency: DisplayCurrency = \"USD\"): RealtimePrice!", sdl, StringComparison.Ordinal);
        Assert.Contains("currencyConversionEstimation(", sdl, StringComparison.Ordinal);
        Assert.Contains("csvTransactions(walletIds: [WalletId!]!): String!", sdl, StringComparison.Ordinal);
    }

    [Fact]
    public void LightningAddressFields_AreImplemented()
    {
        var sdl = GlintSchema.PrintSdl();
        var ours = Definitions(sdl);

        Assert.Contains("LnAddressPaymentSendInput", ours.Keys);
        Assert.Contains("LnurlPaymentSendInput", ours.Keys);
        Assert.Contains("lnAddressPaymentSend(input: LnAddressPaymentSendInput!): PaymentSendPayload!", sdl, StringComparison.Ordinal);
        Assert.Contains("lnurlPaymentSend(input: LnurlPaymentSendInput!): PaymentSendPayload!", sdl, StringComparison.Ordinal);
        Assert.Contains("lightningAddressDomainAliases: [String!]!", sdl, StringComparison.Ordinal);
    }

    [Fact]
    public void AccountFields_AreImplemented()
    {
        var sdl = GlintSchema.PrintSdl();
        var ours = Definitions(sdl);

        foreach (var type in (string[])["UserEmailRegistrationInitiateInput", "UserEmailRegistrationInitiatePayload", "UserEmailRegistrationValidateInput",
            "UserEmailRegistrationValidatePayload", "UserEmailDeletePayload", "UserPhoneDeletePayload", "UserTotpRegistrationInitiatePayload",
            "UserTotpRegistrationValidateInput", "UserTotpRegistrationValidatePayload", "UserTotpDeletePayload", "AccountDeletePayload",
            "AccountEnableNotificationChannelInput", "AccountDisableNotificationChannelInput", "AccountEnableNotificationCategoryInput",
            "AccountDisableNotificationCategoryInput", "AccountUpdateNotificationSettingsPayload", "NotificationSettings", "NotificationChannelSettings",
            "NotificationChannel", "NotificationCategory", "OneTimeAuthCode", "EmailRegistrationId", "TotpRegistrationId", "TotpSecret", "TotpCode", "AuthToken",
            "UserContact", "UserContactUpdateAliasInput", "UserContactUpdateAliasPayload", "ContactAlias"])
        {
            Assert.Contains(type, ours.Keys);
        }

        foreach (var field in (string[])[
            "userEmailRegistrationInitiate(input: UserEmailRegistrationInitiateInput!): UserEmailRegistrationInitiatePayload!",
            "userEmailRegistrationValidate(input: UserEmailRegistrationValidateInput!): UserEmailRegistrationValidatePayload!",
            "userEmailDelete: UserEmailDeletePayload!",
            "userPhoneDelete: UserPhoneDeletePayload!",
            "userTotpRegistrationInitiate: UserTotpRegistrationInitiatePayload!",
            "userTotpRegistrationValidate(input: UserTotpRegistrationValidateInput!): UserTotpRegistrationValidatePayload!",
            "userTotpDelete: UserTotpDeletePayload!",
            "accountDelete: AccountDeletePayload!",
            "accountEnableNotificationChannel(input: AccountEnableNotificationChannelInput!): AccountUpdateNotificationSettingsPayload!",
            "accountDisableNotificationChannel(input: AccountDisableNotificationChannelInput!): AccountUpdateNotificationSettingsPayload!",
            "accountEnableNotificationCategory(input: AccountEnableNotificationCategoryInput!): AccountUpdateNotificationSettingsPayload!",
            "accountDisableNotificationCategory(input: AccountDisableNotificationCategoryInput!): AccountUpdateNotificationSettingsPayload!",
            "notificationSettings: NotificationSettings!",
            "userContactUpdateAlias(input: UserContactUpdateAliasInput!): UserContactUpdateAliasPayload!"])
        {
            Assert.Contains(field, sdl, StringComparison.Ordinal);
        }

        // Only a first-party session may manage sign-in or delete the account.
        var schema = new GlintSchema();
        schema.Initialize();
        string[] firstParty = ["userEmailRegistrationInitiate", "userEmailRegistrationValidate", "userEmailDelete", "userPhoneDelete",
            "userTotpRegistrationInitiate", "userTotpRegistrationValidate", "userTotpDelete", "accountDelete", "accountEnableNotificationChannel",
            "accountDisableNotificationChannel", "accountEnableNotificationCategory", "accountDisableNotificationCategory", "userContactUpdateAlias"];
        Assert.All(firstParty, name => Assert.True(AccessRules.IsFirstPartyOnly(schema.Mutation!.GetField(name)!), $"{name} is not first-party only"));
    }

    [Fact]
    public void PhoneFields_AreImplemented()
    {
        var sdl = GlintSchema.PrintSdl();
        var ours = Definitions(sdl);

        foreach (var type in (string[])["UserPhoneRegistrationInitiateInput", "UserPhoneRegistrationValidateInput", "UserPhoneRegistrationValidatePayload",
                     "UserLoginInput", "UserLoginUpgradeInput", "AuthTokenPayload", "UpgradePayload", "OneTimeAuthCode", "AuthToken", "Phone", "PhoneCodeChannelType"])
        {
            Assert.Contains(type, ours.Keys);
        }

        Assert.Contains("userPhoneRegistrationInitiate(input: UserPhoneRegistrationInitiateInput!): SuccessPayload!", sdl, StringComparison.Ordinal);
        Assert.Contains("userPhoneRegistrationValidate(input: UserPhoneRegistrationValidateInput!): UserPhoneRegistrationValidatePayload!", sdl, StringComparison.Ordinal);
        Assert.Contains("userLogin(input: UserLoginInput!): AuthTokenPayload!", sdl, StringComparison.Ordinal);
        Assert.Contains("userLoginUpgrade(input: UserLoginUpgradeInput!): UpgradePayload!", sdl, StringComparison.Ordinal);
    }

    [Fact]
    public void UsdLightningFields_AreImplemented()
    {
        var sdl = GlintSchema.PrintSdl();
        var ours = Definitions(sdl);

        foreach (var type in (string[])["LnUsdInvoiceFeeProbeInput", "LnNoAmountUsdInvoiceFeeProbeInput", "CentAmountPayload",
                     "LnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipientInput"])
        {
            Assert.Contains(type, ours.Keys);
        }

        Assert.Contains("lnUsdInvoiceFeeProbe(input: LnUsdInvoiceFeeProbeInput!): SatAmountPayload!", sdl, StringComparison.Ordinal);
        Assert.Contains("lnNoAmountUsdInvoiceFeeProbe(input: LnNoAmountUsdInvoiceFeeProbeInput!): CentAmountPayload!", sdl, StringComparison.Ordinal);
        Assert.Contains("lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient(input: LnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipientInput!): LnInvoicePayload!",
            sdl, StringComparison.Ordinal);

        // Blink counts fee probes as sending; an invoice on a recipient's behalf needs no credentials.
        var schema = new GlintSchema();
        schema.Initialize();
        Assert.Equal(ScopeRule.Write, AccessRules.RuleOf(schema.Mutation!.GetField("lnUsdInvoiceFeeProbe")!));
        Assert.Equal(ScopeRule.Write, AccessRules.RuleOf(schema.Mutation.GetField("lnNoAmountUsdInvoiceFeeProbe")!));
        Assert.Equal(ScopeRule.None, AccessRules.RuleOf(schema.Mutation.GetField("lnUsdInvoiceBtcDenominatedCreateOnBehalfOfRecipient")!));
    }

    [Fact]
    public void RootFields_EachDeclareAnAccessRule()
    {
        var schema = new GlintSchema();
        schema.Initialize();

        var fields = schema.Query.Fields.Concat(schema.Mutation!.Fields).ToList();

        Assert.All(fields, field => Assert.True(AccessRules.RuleOf(field) is not null, $"{field.Name} declares no access rule"));
        // Blink's table: creating and cancelling invoices needs receive (or write), creating one on a recipient's
        // behalf and signing in need nothing, every other mutation needs write.
        string[] receive = ["lnInvoiceCreate", "lnUsdInvoiceCreate", "lnNoAmountInvoiceCreate", "lnInvoiceCancel"];
        Assert.All(schema.Mutation.Fields, field => Assert.Equal(
            receive.Contains(field.Name) ? ScopeRule.Receive
            : field.Name.EndsWith("OnBehalfOfRecipient", StringComparison.Ordinal) || field.Name == "userLogin" ? ScopeRule.None
            : ScopeRule.Write,
            AccessRules.RuleOf(field)));
        Assert.Equal(ScopeRule.None, AccessRules.RuleOf(schema.Query.GetField("lnInvoicePaymentStatusByHash")!));
        Assert.Equal(ScopeRule.Read, AccessRules.RuleOf(schema.Query.GetField("me")!));
        Assert.Equal(ScopeRule.Read, AccessRules.RuleOf(schema.Query.GetField("authorization")!));
        Assert.Equal(ScopeRule.None, AccessRules.RuleOf(schema.Query.GetField("globals")!));
    }

    private static void Compare(string type, ASTNode ours, ASTNode blink, List<string> problems)
    {
        switch (ours)
        {
            case IHasFieldsDefinitionNode { Fields: { } fields } when blink is IHasFieldsDefinitionNode { Fields: { } blinkFields }:
                CompareFields(type, fields.Items, blinkFields.Items, problems);
                if (ours is IHasInterfacesNode { Interfaces: { } interfaces })
                {
                    var blinkInterfaces = ((IHasInterfacesNode)blink).Interfaces?.Items.Select(i => i.Name.StringValue).ToHashSet() ?? [];
                    problems.AddRange(interfaces.Items.Where(i => !blinkInterfaces.Contains(i.Name.StringValue))
                        .Select(i => $"{type} implements {i.Name.StringValue}, Blink's does not"));
                }

                break;
            case GraphQLInputObjectTypeDefinition input:
                var blinkInput = (GraphQLInputObjectTypeDefinition)blink;
                var inputFields = input.Fields?.Items.ToDictionary(f => f.Name.StringValue, f => Print(f.Type)) ?? [];
                var blinkInputFields = blinkInput.Fields?.Items.ToDictionary(f => f.Name.StringValue, f => Print(f.Type)) ?? [];
                if (!inputFields.OrderBy(f => f.Key, StringComparer.Ordinal).SequenceEqual(blinkInputFields.OrderBy(f => f.Key, StringComparer.Ordinal)))
                {
                    problems.Add($"input {type} has {Describe(inputFields)}, Blink's has {Describe(blinkInputFields)}");
                }

                break;
            case GraphQLEnumTypeDefinition values:
                var ourValues = values.Values?.Items.Select(v => v.Name.StringValue).Order(StringComparer.Ordinal).ToList() ?? [];
                var blinkValues = ((GraphQLEnumTypeDefinition)blink).Values?.Items.Select(v => v.Name.StringValue).Order(StringComparer.Ordinal).ToList() ?? [];
                if (!ourValues.SequenceEqual(blinkValues))
                {
                    problems.Add($"enum {type} is {string.Join(' ', ourValues)}, Blink's is {string.Join(' ', blinkValues)}");
                }

                break;
            case GraphQLUnionTypeDefinition union:
                var members = union.Types?.Items.Select(t => t.Name.StringValue).Order(StringComparer.Ordinal).ToList() ?? [];
                var blinkMembers = ((GraphQLUnionTypeDefinition)blink).Types?.Items.Select(t => t.Name.StringValue).Order(StringComparer.Ordinal).ToList() ?? [];
                if (!members.SequenceEqual(blinkMembers))
                {
                    problems.Add($"union {type} is {string.Join(" | ", members)}, Blink's is {string.Join(" | ", blinkMembers)}");
                }

                break;
        }
    }

    private static void CompareFields(string type, IEnumerable<GraphQLFieldDefinition> fields, IEnumerable<GraphQLFieldDefinition> blinkFields, List<string> problems)
    {
        var blinkByName = blinkFields.ToDictionary(f => f.Name.StringValue);
        foreach (var field in fields)
        {
            var name = $"{type}.{field.Name.StringValue}";
            if (!blinkByName.TryGetValue(field.Name.StringValue, out var blinkField))
            {
                problems.Add($"{name} is not in Blink's schema");
                continue;
            }

            if (Print(field.Type) != Print(blinkField.Type))
            {
                problems.Add($"{name} is {Print(field.Type)}, Blink's is {Print(blinkField.Type)}");
            }

            // Both ways: an argument apps send must exist here, and each one here must exist in Blink's.
            var arguments = Arguments(field);
            var blinkArguments = Arguments(blinkField);
            if (!arguments.OrderBy(a => a.Key, StringComparer.Ordinal).SequenceEqual(blinkArguments.OrderBy(a => a.Key, StringComparer.Ordinal)))
            {
                problems.Add($"{name} takes {Describe(arguments)}, Blink's takes {Describe(blinkArguments)}");
            }
        }
    }

    private static Dictionary<string, string> Arguments(GraphQLFieldDefinition field) =>
        field.Arguments?.Items.ToDictionary(
            a => a.Name.StringValue,
            a => Print(a.Type) + (a.DefaultValue is null ? "" : " = " + a.DefaultValue switch
            {
                GraphQLStringValue text => $"\"{text.Value}\"",
                GraphQLEnumValue value => value.Name.StringValue,
                var other => other.Kind.ToString(),
            })) ?? [];

    private static string Describe(Dictionary<string, string> items) =>
        items.Count == 0 ? "nothing" : string.Join(", ", items.OrderBy(i => i.Key, StringComparer.Ordinal).Select(i => $"{i.Key}: {i.Value}"));

    private static string Print(GraphQLType type) => type switch
    {
        GraphQLNonNullType nonNull => Print(nonNull.Type) + "!",
        GraphQLListType list => "[" + Print(list.Type) + "]",
        GraphQLNamedType named => named.Name.StringValue,
        _ => throw new InvalidOperationException($"Unknown type node {type.Kind}"),
    };

    private static Dictionary<string, ASTNode> Definitions(string sdl) =>
        Parser.Parse(sdl).Definitions
            .OfType<GraphQLTypeDefinition>()
            .ToDictionary(definition => definition.Name.StringValue, definition => (ASTNode)definition);

    /// <summary>
    /// Blink's API as its clients see it: the public schema with the API-key subgraph composed in (its types, its
    /// <c>Mutation</c> fields and its extension of <c>User</c>), as Blink's federation router serves them together.
    /// </summary>
    private static string BlinkSchema()
    {
        var sdl = File.ReadAllText(ReferenceSchemaPath("blink-public-schema.graphql"));
        var subgraphText = File.ReadAllText(ReferenceSchemaPath("blink-api-keys-schema.graphql"));
        var subgraph = Parser.Parse(subgraphText);
        var known = Definitions(sdl);
        var composed = new StringBuilder(sdl);
        foreach (var definition in subgraph.Definitions)
        {
            var text = subgraphText[definition.Location.Start..definition.Location.End];
            var name = definition switch
            {
                GraphQLTypeDefinition type => type.Name.StringValue,
                GraphQLObjectTypeExtension extension => extension.Name.StringValue,
                _ => null,
            };
            if (name is null)
            {
                continue;
            }

            if (!known.ContainsKey(name))
            {
                composed.Append('\n').Append(text).Append('\n');
            }
            else if (definition is GraphQLObjectTypeDefinition or GraphQLObjectTypeExtension)
            {
                // Fields of a type both define (Mutation, User) join the public definition, minus federation's @external keys.
                var fields = text[(text.IndexOf('{', StringComparison.Ordinal) + 1)..text.LastIndexOf('}')]
                    .Split('\n').Where(line => line.Trim().Length > 0 && !line.Contains("@external", StringComparison.Ordinal));
                var header = $"type {name} {{";
                var at = composed.ToString().IndexOf("\n" + header, StringComparison.Ordinal);
                Assert.True(at >= 0, $"Blink's public schema has no '{header}'");
                composed.Insert(at + 1 + header.Length, "\n" + string.Join('\n', fields));
            }
        }

        return composed.ToString();
    }

    /// <summary>Blink's schema facts (names and types), kept in the repository as test data.</summary>
    private static string ReferenceSchemaPath(string file) => Path.Combine(AppContext.BaseDirectory, "Api", "TestData", file);

    /// <summary>
    /// The README's lists of Blink's root fields, each under its heading and count, are exactly what the two schemas
    /// say: those Glint has, and those it does not (left out on purpose, or not yet), as <c>Type.field</c>.
    /// </summary>
    [Fact]
    public void Readme_ListsWhichOfBlinksRootFieldsGlintHas()
    {
        var blink = RootFields(File.ReadAllText(ReferenceSchemaPath("blink-public-schema.graphql")));
        var ours = RootFields(GlintSchema.PrintSdl());
        var lists = ReadmeRootFieldLists();

        Assert.Equal(blink.Intersect(ours).Order(StringComparer.Ordinal), lists["Glint has"].Order(StringComparer.Ordinal));
        Assert.Empty(lists["Left out on purpose"].Intersect(lists["Not in Glint yet"]));
        Assert.Equal(blink.Except(ours).Order(StringComparer.Ordinal), lists["Left out on purpose"].Concat(lists["Not in Glint yet"]).Order(StringComparer.Ordinal));
    }

    private static HashSet<string> RootFields(string sdl) =>
    [
        .. Parser.Parse(sdl).Definitions.OfType<GraphQLObjectTypeDefinition>()
            .Where(type => type.Name.StringValue is "Query" or "Mutation" or "Subscription")
            .SelectMany(type => type.Fields?.Items.Select(field => $"{type.Name.StringValue}.{field.Name.StringValue}") ?? []),
    ];

    /// <summary>
    /// The README section's lists: a paragraph starting with the list's name and its count in brackets, then bullets
    /// <c>- Query:</c>, <c>- Mutation:</c>, <c>- Subscription:</c> naming fields in backticks.
    /// </summary>
    private static Dictionary<string, List<string>> ReadmeRootFieldLists()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Glint.slnx")))
        {
            directory = directory.Parent;
        }

        var readme = File.ReadAllText(Path.Combine(directory?.FullName ?? throw new InvalidOperationException("No Glint.slnx above the tests."), "README.md"));
        var start = readme.IndexOf("### Blink's root fields in Glint", StringComparison.Ordinal);
        Assert.True(start >= 0, "README.md has no section \"Blink's root fields in Glint\"");
        var end = readme.IndexOf("\n## ", start, StringComparison.Ordinal);
        var lists = new Dictionary<string, List<string>>();
        var counts = new Dictionary<string, int>();
        List<string>? current = null;
        string? type = null;
        var afterBlank = false;
        foreach (var line in readme[start..end].Split('\n'))
        {
            if (System.Text.RegularExpressions.Regex.Match(line, @"^(Glint has|Left out on purpose|Not in Glint yet) \((\d+)\)") is { Success: true } heading)
            {
                lists[heading.Groups[1].Value] = current = [];
                counts[heading.Groups[1].Value] = int.Parse(heading.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
                (type, afterBlank) = (null, false);
                continue;
            }

            if (line.Length == 0 || !(line.StartsWith("- ", StringComparison.Ordinal) || line.StartsWith("  ", StringComparison.Ordinal)))
            {
                // A new paragraph that is not a list's heading ends the list; a heading's second line does not.
                current = line.Length > 0 && afterBlank ? null : current;
                afterBlank = line.Length == 0;
                continue;
            }

            afterBlank = false;

            if (System.Text.RegularExpressions.Regex.Match(line, "^- (Query|Mutation|Subscription):") is { Success: true } bullet)
            {
                type = bullet.Groups[1].Value;
            }

            if (current is not null && type is not null)
            {
                current.AddRange(System.Text.RegularExpressions.Regex.Matches(line, "`([A-Za-z]+)`").Select(match => $"{type}.{match.Groups[1].Value}"));
            }
        }

        Assert.All(counts, count => Assert.True(lists[count.Key].Count == count.Value, $"README says \"{count.Key} ({count.Value})\" and lists {lists[count.Key].Count}"));
        return lists;
    }
}
