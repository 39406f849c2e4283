resource "terraform_data" "cfg" {
  input = {
    name  = "beta"
    tags  = ["x", "z", "w"]
    inner = { level = 2, keep = "same" }
  }
}

resource "terraform_data" "str" {
  input = "after"
}

resource "terraform_data" "dependent" {
  input = terraform_data.str.output
}

output "name" {
  value = terraform_data.cfg.output.name
}
