region="us-east-1"
instance_count   = 3
tags = {
Environment="prod"
  Team   = "infra"
}
subnets = ["a","b"]
enabled=true
