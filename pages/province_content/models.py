"""What a province pushes down to its communes: urgent alerts, planned outages, shared news and documents."""
