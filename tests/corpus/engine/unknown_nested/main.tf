resource "terraform_data" "source" {
  input = "src"
}

resource "terraform_data" "nested" {
  input = {
    known   = "k"
    unknown = terraform_data.source.output
    list    = ["a", terraform_data.source.id, "c"]
    map     = { x = terraform_data.source.output, y = "y" }
    deep    = { inner = { id = terraform_data.source.id, n = 1 } }
  }
}

resource "terraform_data" "list_of_unknown" {
  input = [for i in range(2) : "${terraform_data.source.id}-${i}"]
}

output "whole_resource" {
  value = terraform_data.source
}

output "partly_unknown" {
  value = {
    known   = "yes"
    unknown = terraform_data.nested.output
  }
}
