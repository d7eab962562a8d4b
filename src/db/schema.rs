//! The one diesel schema, kept by hand in SQL types both backends share (`BigInt`, `Text`,
//! `Bool`, `Timestamp`): `diesel print-schema` differs per backend. `tests/api/schema.rs`
//! checks this file against both migrated databases.

diesel::table! {
    agencies (id) {
        id -> BigInt,
        code -> Text,
        name -> Text,
        short_name -> Nullable<Text>,
        kind -> Text,
        parent_id -> Nullable<BigInt>,
        region_code -> Text,
        head_name -> Nullable<Text>,
        head_nip -> Nullable<Text>,
        head_title -> Nullable<Text>,
        address -> Nullable<Text>,
        phone -> Nullable<Text>,
        email -> Nullable<Text>,
        active -> Bool,
        search_text -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        username -> Text,
        display_name -> Text,
        role -> Text,
        agency_id -> Nullable<BigInt>,
        active -> Bool,
        password_hash -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    api_clients (id) {
        id -> BigInt,
        client_id -> Text,
        name -> Text,
        role -> Text,
        agency_id -> Nullable<BigInt>,
        active -> Bool,
        secret_hash -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    refresh_tokens (id) {
        id -> BigInt,
        token_hash -> Text,
        family -> Text,
        user_id -> BigInt,
        expires_at -> Timestamp,
        retired_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sign_in_failures (subject) {
        subject -> Text,
        failures -> BigInt,
        last_failed_at -> Timestamp,
        blocked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_events (id) {
        id -> BigInt,
        occurred_at -> Timestamp,
        actor_type -> Text,
        actor_id -> Nullable<BigInt>,
        actor_name -> Text,
        action -> Text,
        resource_type -> Text,
        resource_id -> Nullable<BigInt>,
        request_id -> Text,
        before -> Nullable<Text>,
        after -> Nullable<Text>,
    }
}

diesel::table! {
    cohorts (id) {
        id -> BigInt,
        name -> Text,
        region_code -> Text,
        year -> BigInt,
        partner -> Nullable<Text>,
        description -> Nullable<Text>,
        lab_stage -> Text,
        drum_up_on -> Nullable<Date>,
        diagnose_on -> Nullable<Date>,
        design_on -> Nullable<Date>,
        delivery_on -> Nullable<Date>,
        display_on -> Nullable<Date>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    innovations (id) {
        id -> BigInt,
        cohort_id -> BigInt,
        agency_id -> BigInt,
        name -> Text,
        acronym_expansion -> Nullable<Text>,
        initiator_type -> Text,
        initiator_name -> Nullable<Text>,
        form -> Text,
        digital -> Bool,
        government_affairs -> Text,
        problem -> Nullable<Text>,
        approach -> Nullable<Text>,
        goals -> Nullable<Text>,
        benefits -> Nullable<Text>,
        results -> Nullable<Text>,
        beneficiaries -> Nullable<Text>,
        beneficiaries_target -> Nullable<BigInt>,
        trial_on -> Nullable<Date>,
        launched_on -> Nullable<Date>,
        lab_stage -> Text,
        stage_rank -> BigInt,
        status -> Text,
        search_text -> Text,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        name_key -> Nullable<Text>,
    }
}

diesel::table! {
    stage_transitions (id) {
        id -> BigInt,
        innovation_id -> BigInt,
        from_stage -> Nullable<Text>,
        to_stage -> Text,
        occurred_at -> Timestamp,
        actor_type -> Text,
        actor_id -> Nullable<BigInt>,
        actor_name -> Text,
        note -> Nullable<Text>,
        evidence_url -> Nullable<Text>,
        reason -> Nullable<Text>,
        launched_on -> Nullable<Date>,
    }
}

diesel::table! {
    performance_agreements (id) {
        id -> BigInt,
        number -> Text,
        year -> BigInt,
        agency_id -> BigInt,
        statement -> Nullable<Text>,
        status -> Text,
        signed_on -> Nullable<Date>,
        signed_place -> Nullable<Text>,
        first_party_name -> Nullable<Text>,
        first_party_nip -> Nullable<Text>,
        first_party_title -> Nullable<Text>,
        second_party_name -> Nullable<Text>,
        second_party_nip -> Nullable<Text>,
        second_party_title -> Nullable<Text>,
        signed_agency_code -> Nullable<Text>,
        signed_agency_name -> Nullable<Text>,
        supersedes_id -> Nullable<BigInt>,
        amendment_reason -> Nullable<Text>,
        amendment_reason_text -> Nullable<Text>,
        cancellation_reason -> Nullable<Text>,
        content_hash -> Nullable<Text>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        first_party_acting -> Nullable<Text>,
        second_party_acting -> Nullable<Text>,
        canonical_version -> Integer,
    }
}

diesel::table! {
    commitments (id) {
        id -> BigInt,
        agreement_id -> BigInt,
        innovation_id -> BigInt,
        signed_innovation_name -> Nullable<Text>,
        indicator -> Text,
        target_hundredths -> Nullable<BigInt>,
        unit -> Nullable<Text>,
        target_stage -> Nullable<Text>,
        due_on -> Nullable<Date>,
        achieved_hundredths -> Nullable<BigInt>,
        evidence_url -> Nullable<Text>,
        note -> Nullable<Text>,
        evaluated_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        quarterly_method -> Nullable<Text>,
        q1_target_hundredths -> Nullable<BigInt>,
        q2_target_hundredths -> Nullable<BigInt>,
        q3_target_hundredths -> Nullable<BigInt>,
        q4_target_hundredths -> Nullable<BigInt>,
    }
}

diesel::table! {
    idempotency_keys (id) {
        id -> BigInt,
        scope -> Text,
        idempotency_key -> Text,
        request_hash -> Text,
        state -> Text,
        claim_token -> Text,
        lease_until -> Timestamp,
        response_status -> Nullable<Integer>,
        response_headers -> Nullable<Text>,
        response_body -> Nullable<Binary>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    index_catalogues (id) {
        id -> BigInt,
        year -> BigInt,
        title -> Text,
        illustrative -> Bool,
        status -> Text,
        government_weight -> BigInt,
        innovation_weight -> BigInt,
        minimum_innovations -> BigInt,
        not_assessable_label -> Text,
        copied_from_year -> Nullable<BigInt>,
        published_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    index_grades (id) {
        id -> BigInt,
        catalogue_id -> BigInt,
        position -> BigInt,
        label -> Text,
        from_hundredths -> BigInt,
        from_included -> Bool,
    }
}

diesel::table! {
    index_variables (id) {
        id -> BigInt,
        catalogue_id -> BigInt,
        position -> BigInt,
        code -> Text,
        name -> Text,
        aspect -> Text,
    }
}

diesel::table! {
    index_indicators (id) {
        id -> BigInt,
        catalogue_id -> BigInt,
        variable_id -> BigInt,
        position -> BigInt,
        code -> Text,
        text -> Text,
        evidence_required -> Bool,
        evidence_kinds -> Text,
    }
}

diesel::table! {
    index_options (id) {
        id -> BigInt,
        indicator_id -> BigInt,
        position -> BigInt,
        label -> Text,
        weight_hundredths -> BigInt,
    }
}

diesel::table! {
    index_assessments (id) {
        id -> BigInt,
        catalogue_id -> BigInt,
        innovation_id -> Nullable<BigInt>,
        status -> Text,
        self_score -> BigInt,
        missing_evidence -> BigInt,
        verified_score -> Nullable<BigInt>,
        submitted_at -> Nullable<Timestamp>,
        verified_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    index_answers (id) {
        id -> BigInt,
        assessment_id -> BigInt,
        indicator_id -> BigInt,
        option_id -> BigInt,
        note -> Nullable<Text>,
        verdict -> Nullable<Text>,
        verified_option_id -> Nullable<BigInt>,
        review_note -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    index_answer_documents (answer_id, document_id) {
        answer_id -> BigInt,
        document_id -> BigInt,
    }
}

diesel::joinable!(performance_agreements -> agencies (agency_id));
diesel::joinable!(commitments -> performance_agreements (agreement_id));
diesel::joinable!(commitments -> innovations (innovation_id));
diesel::joinable!(innovations -> agencies (agency_id));
diesel::joinable!(innovations -> cohorts (cohort_id));
diesel::joinable!(stage_transitions -> innovations (innovation_id));
diesel::joinable!(users -> agencies (agency_id));
diesel::joinable!(api_clients -> agencies (agency_id));
diesel::table! {
    documents (id) {
        id -> BigInt,
        innovation_id -> BigInt,
        stage_transition_id -> Nullable<BigInt>,
        commitment_id -> Nullable<BigInt>,
        kind -> Text,
        title -> Text,
        description -> Nullable<Text>,
        public -> Bool,
        url -> Nullable<Text>,
        file_name -> Nullable<Text>,
        media_type -> Nullable<Text>,
        byte_size -> Nullable<BigInt>,
        sha256 -> Nullable<Text>,
        thumbnail_sha256 -> Nullable<Text>,
        archived_at -> Nullable<Timestamp>,
        purged_at -> Nullable<Timestamp>,
        version -> BigInt,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    quarterly_realizations (id) {
        id -> BigInt,
        commitment_id -> BigInt,
        quarter -> SmallInt,
        value_hundredths -> BigInt,
        note -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    quarterly_realization_documents (realization_id, document_id) {
        realization_id -> BigInt,
        document_id -> BigInt,
    }
}

diesel::table! {
    monitoring_quarters (id) {
        id -> BigInt,
        year -> BigInt,
        quarter -> SmallInt,
        closed -> Bool,
        version -> BigInt,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(refresh_tokens -> users (user_id));
diesel::joinable!(index_grades -> index_catalogues (catalogue_id));
diesel::joinable!(index_variables -> index_catalogues (catalogue_id));
diesel::joinable!(index_indicators -> index_variables (variable_id));
diesel::joinable!(index_options -> index_indicators (indicator_id));
diesel::joinable!(index_assessments -> index_catalogues (catalogue_id));
diesel::joinable!(index_assessments -> innovations (innovation_id));
diesel::joinable!(index_answers -> index_assessments (assessment_id));
diesel::joinable!(index_answers -> index_indicators (indicator_id));
diesel::joinable!(index_answer_documents -> index_answers (answer_id));
diesel::joinable!(index_answer_documents -> documents (document_id));
diesel::joinable!(quarterly_realizations -> commitments (commitment_id));
diesel::joinable!(quarterly_realization_documents -> quarterly_realizations (realization_id));
diesel::joinable!(quarterly_realization_documents -> documents (document_id));
diesel::allow_tables_to_appear_in_same_query!(
    agencies,
    users,
    api_clients,
    refresh_tokens,
    cohorts,
    innovations,
    stage_transitions,
    performance_agreements,
    commitments,
    documents,
    index_catalogues,
    index_assessments,
    index_answers,
    index_answer_documents,
    index_grades,
    index_variables,
    index_indicators,
    index_options,
    quarterly_realizations,
    quarterly_realization_documents,
    monitoring_quarters,
);
