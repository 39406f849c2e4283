# A data source waits for apply when a managed resource it refers to directly,
# or lists in depends_on (through locals and module outputs too), or that an
# enclosing module call's depends_on names, has changes pending. A reference
# through a local or a module input alone does not make it wait.
variable "tag" {
  type    = string
  default = "one"
}

resource "terraform_data" "writer" {
  input = var.tag
}

resource "terraform_data" "quiet" {
  input = "same"
}

locals {
  writer_id = terraform_data.writer.id
}

data "terraform_remote_state" "direct" {
  backend = "local"
  config = {
    path = terraform_data.writer.id != "" ? "${path.module}/shared.tfstate" : "none"
  }
}

data "terraform_remote_state" "quiet" {
  backend = "local"
  config = {
    path = terraform_data.quiet.id != "" ? "${path.module}/shared.tfstate" : "none"
  }
}

data "terraform_remote_state" "via_local" {
  backend = "local"
  config = {
    path = local.writer_id != "" ? "${path.module}/shared.tfstate" : "none"
  }
}

data "terraform_remote_state" "depends_on_local" {
  backend = "local"
  config = {
    path = "${path.module}/shared.tfstate"
  }
  depends_on = [local.writer_id]
}

module "input_only" {
  source = "./m"
  wid    = terraform_data.writer.id
}

module "waits" {
  source     = "./m"
  wid        = "x"
  depends_on = [terraform_data.writer]
}

module "waits_quiet" {
  source     = "./m"
  wid        = "x"
  depends_on = [terraform_data.quiet]
}

data "terraform_remote_state" "on_module" {
  backend = "local"
  config = {
    path = "${path.module}/shared.tfstate"
  }
  depends_on = [module.input_only]
}

resource "terraform_data" "direct_reader" {
  input = data.terraform_remote_state.direct.outputs.name
}

# a list with an element that becomes unknown: rendered along the longest common subsequence
resource "terraform_data" "list_reader" {
  input = [data.terraform_remote_state.direct.outputs, data.terraform_remote_state.via_local.outputs]
}

resource "terraform_data" "local_reader" {
  input = data.terraform_remote_state.via_local.outputs.name
}

output "names" {
  value = {
    direct      = data.terraform_remote_state.direct.outputs.name
    quiet       = data.terraform_remote_state.quiet.outputs.name
    via_local   = data.terraform_remote_state.via_local.outputs.name
    dep_local   = data.terraform_remote_state.depends_on_local.outputs.name
    on_module   = data.terraform_remote_state.on_module.outputs.name
    input_only  = module.input_only.name
    waits       = module.waits.name
    waits_inner = module.waits.inner
    waits_quiet = module.waits_quiet.name
  }
}
