resource "terraform_data" "node" {
  count = 1
  input = "node-${count.index}"
}

output "nodes" {
  value = terraform_data.node[*].input
}
