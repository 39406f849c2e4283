variable "a" {
  type = object({
    name = string
    tags = optional(map(string), {})
  })
  default = {
    name = "x"
  }
}
variable "b" {
  type    = number
  default = "abc"
}
resource "terraform_data" "x" {
  input = var.a.nme
}
resource "terraform_data" "y" {
  input = var.a.tags["k"]
}
output "z" {
  value = var.a.name.first
}
