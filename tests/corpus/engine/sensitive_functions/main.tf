variable "secret" {
  type      = string
  default   = "classified"
  sensitive = true
}

locals {
  revealed_length = nonsensitive(length(var.secret))
  hidden          = sensitive("made secret")
}

resource "terraform_data" "mixed" {
  input = {
    length = local.revealed_length
    hidden = local.hidden
    plain  = "plain"
    list   = ["a", local.hidden]
  }
}

output "length" {
  value = local.revealed_length
}

output "hidden" {
  value     = local.hidden
  sensitive = true
}

output "is_sensitive" {
  value = issensitive(local.hidden)
}
