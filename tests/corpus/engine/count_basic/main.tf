resource "terraform_data" "item" {
  count = 3
  input = "item-${count.index}"
}

resource "terraform_data" "none" {
  count = 0
  input = "never"
}

output "outputs" {
  value = terraform_data.item[*].output
}

output "inputs" {
  value = [for d in terraform_data.item : d.input]
}

output "count" {
  value = length(terraform_data.item)
}
