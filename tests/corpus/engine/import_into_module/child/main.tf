variable "index" {
  type = number
}

resource "terraform_data" "thing" {
  input = "thing-${var.index}"
}

output "id" {
  value = terraform_data.thing.id
}
