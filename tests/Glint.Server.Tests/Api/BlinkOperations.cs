namespace Glint.Server.Tests.Api;

/// <summary>
/// The operations Blink's dashboard and PoS send with <c>Oauth2-Token</c> (<c>blink-api-and-auth.md</c> §5.4–§5.5),
/// with the selections listed there.
/// </summary>
public static class BlinkOperations
{
    /// <summary>The dashboard's <c>me</c>, run in next-auth's session callback.</summary>
    public const string DashboardMe = """
        query me {
          me {
            createdAt
            id
            language
            phone
            totpEnabled
            username
            email {
              address
              verified
            }
            defaultAccount {
              id
              defaultWalletId
              displayCurrency
              level
              callbackPortalUrl
              wallets {
                id
                accountId
                balance
                pendingIncomingBalance
                walletCurrency
              }
            }
          }
        }
        """;

    private const string TransactionSelection = """
              edges {
                cursor
                node {
                  createdAt
                  direction
                  id
                  memo
                  settlementAmount
                  settlementCurrency
                  settlementDisplayAmount
                  settlementDisplayCurrency
                  settlementDisplayFee
                  settlementFee
                  settlementVia {
                    ... on SettlementViaIntraLedger {
                      counterPartyUsername
                      counterPartyWalletId
                    }
                    ... on SettlementViaLn {
                      paymentSecret
                      preImage
                    }
                    ... on SettlementViaOnChain {
                      transactionHash
                      vout
                    }
                  }
                  status
                  settlementPrice {
                    base
                    currencyUnit
                    formattedAmount
                    offset
                  }
                  initiationVia {
                    ... on InitiationViaIntraLedger {
                      counterPartyUsername
                      counterPartyWalletId
                    }
                    ... on InitiationViaOnChain {
                      address
                    }
                    ... on InitiationViaLn {
                      paymentHash
                      paymentRequest
                    }
                  }
                }
              }
              pageInfo {
                endCursor
                hasNextPage
                hasPreviousPage
                startCursor
              }
        """;

    public const string GetPaginatedTransactions = """
        query GetPaginatedTransactions($first: Int, $after: String, $before: String) {
          me {
            id
            defaultAccount {
              transactions(first: $first, after: $after, before: $before) {
        """ + TransactionSelection + """
              }
            }
          }
        }
        """;

    public const string GetFirstTransactions = """
        query GetFirstTransactions($first: Int) {
          me {
            id
            defaultAccount {
              transactions(first: $first) {
        """ + TransactionSelection + """
              }
            }
          }
        }
        """;

    public const string GetDefaultWalletByUsername = """
        query GetDefaultWalletByUsername($username: Username!) {
          accountDefaultWallet(username: $username) {
            id
            walletCurrency
          }
        }
        """;

    public const string RealtimePrice = """
        query RealtimePrice($currency: DisplayCurrency) {
          realtimePrice(currency: $currency) {
            id
            timestamp
            denominatorCurrency
            btcSatPrice {
              base
              offset
            }
            usdCentPrice {
              base
              offset
            }
          }
        }
        """;

    public const string CallbackEndpoints = """
        query CallbackEndpoints {
          me {
            defaultAccount {
              callbackEndpoints {
                url
                id
              }
            }
          }
        }
        """;

    /// <summary>The dashboard's batch payments, from a BTC wallet.</summary>
    public const string IntraLedgerBtcPaymentSend = """
        mutation IntraLedgerBtcPaymentSend($input: IntraLedgerPaymentSendInput!) {
          intraLedgerPaymentSend(input: $input) {
            errors {
              code
              message
            }
            status
          }
        }
        """;

    /// <summary>The dashboard's batch payments, from a USD wallet.</summary>
    public const string IntraLedgerUsdPaymentSend = """
        mutation intraLedgerUsdPaymentSend($input: IntraLedgerUsdPaymentSendInput!) {
          intraLedgerUsdPaymentSend(input: $input) {
            errors {
              code
              message
            }
            status
          }
        }
        """;

    /// <summary>The PoS's <c>me</c> (<c>apps/pay/app/graphql/queries/me-query.ts</c>).</summary>
    public const string PosMe = """
        query me {
          me {
            id
            username
            defaultAccount {
              displayCurrency
            }
          }
        }
        """;

    /// <summary>The PoS's transaction list: the dashboard's selection without <c>InitiationViaLn.paymentRequest</c>.</summary>
    public const string PosGetPaginatedTransactions = """
        query GetPaginatedTransactions($first: Int, $after: String, $before: String) {
          me {
            id
            defaultAccount {
              transactions(first: $first, after: $after, before: $before) {
                edges {
                  cursor
                  node {
                    createdAt
                    direction
                    id
                    memo
                    settlementAmount
                    settlementCurrency
                    settlementDisplayAmount
                    settlementDisplayCurrency
                    settlementDisplayFee
                    settlementFee
                    settlementVia {
                      ... on SettlementViaIntraLedger {
                        counterPartyUsername
                        counterPartyWalletId
                      }
                      ... on SettlementViaLn {
                        paymentSecret
                        preImage
                      }
                      ... on SettlementViaOnChain {
                        transactionHash
                        vout
                      }
                    }
                    status
                    settlementPrice {
                      base
                      currencyUnit
                      formattedAmount
                      offset
                    }
                    initiationVia {
                      ... on InitiationViaIntraLedger {
                        counterPartyUsername
                        counterPartyWalletId
                      }
                      ... on InitiationViaOnChain {
                        address
                      }
                      ... on InitiationViaLn {
                        paymentHash
                      }
                    }
                  }
                }
                pageInfo {
                  endCursor
                  hasNextPage
                  hasPreviousPage
                  startCursor
                }
              }
            }
          }
        }
        """;

    /// <summary>The PoS (unauthenticated): a merchant's wallets by username, and the currencies it can show.</summary>
    public const string AccountDefaultWallet = """
        query accountDefaultWallet($username: Username!, $walletCurrency: WalletCurrency) {
          accountDefaultWallet(username: $username, walletCurrency: $walletCurrency) {
            __typename
            id
            walletCurrency
          }
        }
        """;

    public const string CurrencyList = """
        query currencyList {
          currencyList {
            __typename
            id
            flag
            name
            symbol
            fractionDigits
          }
        }
        """;
}
