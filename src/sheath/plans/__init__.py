"""Plans are data (terraform's internal/plans): the model, its JSON form,
the human renderer and the saved-plan file.

  model     Action, ActionReason, ResourceInstanceChange, OutputChange, Plan
  values    after_unknown / *_sensitive / omit-unknowns transforms
  jsonplan  plan_to_json: terraform's JSON plan representation (format 1.2)
  configuration  configuration_json: the plan JSON's "configuration" section
  reader    plan_from_terraform_json: terraform's JSON plan back into a Plan
  render    render_plan: terraform's human plan output (with or without color),
            a package of small modules (listed in its docstring)
  planfile  write_plan_file / read_plan_file / plan_matches_state
"""
