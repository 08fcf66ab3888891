"""`axes rules list|test`: the rule sets and their own examples."""

import typer

from .console import handles_errors
from .options import RulesOpt

app = typer.Typer(help="List and test the rule sets.", no_args_is_help=True, add_completion=False)


@app.command("list")
@handles_errors
def rules_list(rules: RulesOpt = None) -> None:
    """List every rule: id, axis, tag, strength and message.

    Example: axes rules list --rules ./my-rules
    """
    from ..rules import rulebook

    for loaded in rulebook(tuple(rules or ())).rules:
        rule = loaded.rule
        kind = "marketing" if rule.marketing else rule.tag
        typer.echo(f"{loaded.full_id:<42} {kind:<22} {rule.strength.value:<9} {rule.message}")


@app.command("test")
@handles_errors
def rules_test(rules: RulesOpt = None) -> None:
    """Run every rule's own examples (match, no_match; todo are known misses).

    Example: axes rules test --rules ./my-rules
    """
    from ..rules import rulebook
    from ..rules.selftest import run_examples

    results = run_examples(rulebook(tuple(rules or ())))
    failed = [r for r in results if not r.ok and not r.todo]
    todo = [r for r in results if r.todo and not r.ok]
    for r in failed:
        typer.echo(f"FAIL {r.describe()}", err=True)
    typer.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed ({len(todo)} known misses)")
    if failed:
        raise typer.Exit(1)
