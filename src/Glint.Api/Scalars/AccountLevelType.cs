using GraphQL.Types;

namespace Glint.Api.Scalars;

public sealed class AccountLevelType : EnumerationGraphType
{
    public AccountLevelType()
    {
        Name = "AccountLevel";
        Description = "How far an account is verified; its limits grow with it.";
        Add("ZERO", 0);
        Add("ONE", 1);
        Add("TWO", 2);
        Add("THREE", 3);
    }
}
